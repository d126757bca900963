# ruff: noqa: E501 -- the demo catalogue is data; long bilingual lines read better unwrapped
"""Demo data: real kinds of shared facilities at Hong Kong and Mainland institutions
(hosts looked up among the imported ROR organisations), realistic instruments, data sets
and compute with tariffs for each user category, and a month of bookings (two weeks
back with usage and charges, two weeks ahead requested/approved), reproducible from
``seed``. Idempotent: facilities are matched by name; bookings are added only once.

The facility names are those of real core facilities; the specifications, prices and
bookings are illustrative demo data, not the facilities' real tariffs."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from innobridge.people.models import Organisation, Person, ResearcherProfile

from . import availability, services
from .models import (
    OPEN_TRAINING,
    Booking,
    BookingStatus,
    Charge,
    ChargeKind,
    Facility,
    Resource,
    Tariff,
    TrainingCertificate,
    TrainingRequest,
    TrainingRequestStatus,
    UsageRecord,
)

HKT = ZoneInfo("Asia/Hong_Kong")
MANAGER_USERNAME = "demo-facility"

H = {str(d): [["09:00", "18:00"]] for d in range(5)}
H_SAT = {**H, "5": [["09:00", "13:00"]]}
ALWAYS = {str(d): [["00:00", "24:00"]] for d in range(7)}

# (host organisation name in ROR, facility, facility 中文, city, location, resources)
# resource: (kind, name, name_zh, manufacturer, techniques, specs, en, zh, hours, unit,
#            base price, training, approval, step, min, max)
FACILITIES: list[dict[str, Any]] = [
    {
        "org": "Hong Kong University of Science and Technology",
        "name": "Materials Characterization and Preparation Facility (MCPF)",
        "name_zh": "材料表徵及製備設施",
        "location": "Clear Water Bay, Academic Building",
        "resources": [
            (
                "instrument",
                "Transmission electron microscope, 200 kV",
                "透射電子顯微鏡（200千伏）",
                "JEOL JEM-2010F",
                ["TEM", "HRTEM", "STEM", "EDS", "electron diffraction"],
                {"Accelerating voltage": "200 kV", "Point resolution": "0.19 nm"},
                "Field-emission TEM for atomic-resolution imaging of nanoparticles, thin films and catalysts, with EDS mapping.",
                "場發射透射電鏡，用於納米顆粒、薄膜及催化劑的原子級成像，配備能譜分析。",
                H,
                "hour",
                600,
                True,
                True,
                30,
                60,
                240,
            ),
            (
                "instrument",
                "Scanning electron microscope",
                "掃描電子顯微鏡",
                "JEOL JSM-7100F",
                ["SEM", "EDS", "EBSD"],
                {"Resolution": "1.2 nm at 30 kV"},
                "Field-emission SEM for surface morphology, EDS composition and EBSD crystal orientation.",
                "場發射掃描電鏡，用於表面形貌觀察、能譜成分分析及電子背散射衍射。",
                H,
                "hour",
                350,
                True,
                False,
                30,
                30,
                240,
            ),
            (
                "instrument",
                "X-ray diffractometer",
                "X射線衍射儀",
                "PANalytical Empyrean",
                ["XRD", "powder diffraction", "thin-film XRD"],
                {"Source": "Cu Kα"},
                "Powder and thin-film X-ray diffraction for phase identification and crystallinity.",
                "粉末及薄膜X射線衍射，用於物相鑑定及結晶度分析。",
                H,
                "sample",
                180,
                False,
                False,
                30,
                30,
                180,
            ),
        ],
    },
    {
        "org": "University of Hong Kong",
        "name": "Electron Microscope Unit",
        "name_zh": "電子顯微鏡組",
        "location": "Pok Fu Lam, Li Ka Shing Faculty of Medicine",
        "resources": [
            (
                "instrument",
                "Cryo-electron microscope, 300 kV",
                "冷凍電子顯微鏡（300千伏）",
                "Thermo Fisher Titan Krios G4",
                ["cryo-EM", "single-particle analysis", "cryo-ET"],
                {"Detector": "Falcon 4i"},
                "Cryo-EM for single-particle structure determination of proteins and complexes.",
                "冷凍電鏡，用於蛋白質及複合物的單顆粒結構解析。",
                ALWAYS,
                "hour",
                1200,
                True,
                True,
                60,
                240,
                1440,
            ),
            (
                "instrument",
                "Confocal laser scanning microscope",
                "激光共聚焦顯微鏡",
                "Zeiss LSM 980",
                ["confocal microscopy", "live-cell imaging", "fluorescence"],
                {"Lasers": "405/488/561/639 nm"},
                "Confocal microscope for fluorescence and live-cell imaging.",
                "激光共聚焦顯微鏡，用於熒光及活細胞成像。",
                H_SAT,
                "hour",
                300,
                True,
                False,
                30,
                30,
                240,
            ),
        ],
    },
    {
        "org": "Chinese University of Hong Kong",
        "name": "Nuclear Magnetic Resonance Centre",
        "name_zh": "核磁共振中心",
        "location": "Sha Tin, Science Centre",
        "resources": [
            (
                "instrument",
                "NMR spectrometer, 600 MHz",
                "核磁共振波譜儀（600兆赫）",
                "Bruker Avance III 600",
                ["NMR", "1H NMR", "13C NMR", "2D NMR"],
                {"Probe": "cryoprobe TCI"},
                "Solution NMR for structure elucidation of organic compounds and biomolecules.",
                "溶液核磁共振，用於有機化合物及生物分子的結構鑑定。",
                ALWAYS,
                "hour",
                400,
                True,
                True,
                30,
                30,
                720,
            ),
        ],
    },
    {
        "org": "Hong Kong Polytechnic University",
        "name": "University Research Facility in Materials Characterization and Device Fabrication",
        "name_zh": "材料表徵與器件製備大學研究設施",
        "location": "Hung Hom",
        "resources": [
            (
                "laboratory",
                "Cleanroom (class 100/1000) with photolithography",
                "潔淨室（百級/千級）及光刻",
                "",
                ["photolithography", "thin-film deposition", "device fabrication"],
                {"Area": "450 m²"},
                "Cleanroom for micro- and nano-device fabrication: lithography, etching and deposition.",
                "用於微納器件製備的潔淨室：光刻、刻蝕及薄膜沉積。",
                H,
                "hour",
                500,
                True,
                True,
                60,
                60,
                480,
            ),
            (
                "instrument",
                "Time-of-flight secondary ion mass spectrometer",
                "飛行時間二次離子質譜儀",
                "IONTOF TOF.SIMS 5",
                ["ToF-SIMS", "mass spectrometry", "depth profiling"],
                {},
                "Surface mass spectrometry and depth profiling of thin films and devices.",
                "薄膜及器件的表面質譜分析與深度剖析。",
                H,
                "hour",
                900,
                True,
                True,
                30,
                60,
                240,
            ),
        ],
    },
    {
        "org": "Southern University of Science and Technology",
        "name": "SUSTech Core Research Facilities",
        "name_zh": "南方科技大学分析测试中心",
        "location": "Shenzhen, Nanshan",
        "resources": [
            (
                "instrument",
                "Aberration-corrected STEM",
                "球差校正扫描透射电镜",
                "Thermo Fisher Themis Z",
                ["STEM", "HAADF", "EELS", "TEM"],
                {"Resolution": "60 pm"},
                "Aberration-corrected STEM for atomic-resolution imaging and EELS of materials.",
                "球差校正透射电镜，用于材料的原子分辨成像及电子能量损失谱分析。",
                H,
                "hour",
                800,
                True,
                True,
                30,
                60,
                240,
            ),
            (
                "instrument",
                "High-resolution mass spectrometer (Orbitrap)",
                "高分辨质谱仪（Orbitrap）",
                "Thermo Orbitrap Exploris 480",
                ["LC-MS", "proteomics", "metabolomics", "mass spectrometry"],
                {},
                "LC-MS/MS for proteomics and metabolomics samples.",
                "液相色谱-串联质谱，用于蛋白质组学及代谢组学样品分析。",
                H,
                "sample",
                350,
                False,
                True,
                30,
                30,
                480,
            ),
        ],
    },
    {
        "org": "Tsinghua University",
        "name": "Center of Biomedical Analysis",
        "name_zh": "清华大学生物医学测试中心",
        "location": "Beijing, Haidian",
        "resources": [
            (
                "instrument",
                "Flow cytometer and cell sorter",
                "流式细胞仪及分选仪",
                "BD FACSAria III",
                ["flow cytometry", "cell sorting"],
                {"Lasers": "4"},
                "Cell analysis and sorting for immunology and cell biology.",
                "用于免疫学及细胞生物学的细胞分析与分选。",
                H,
                "hour",
                300,
                True,
                True,
                30,
                30,
                240,
            ),
        ],
    },
    {
        "org": "Shanghai Jiao Tong University",
        "name": "Center for High Performance Computing",
        "name_zh": "上海交通大学高性能计算中心",
        "location": "Shanghai, Minhang",
        "resources": [
            (
                "compute",
                "GPU cluster partition (8 × A100 node)",
                "GPU集群（8卡A100节点）",
                "",
                ["HPC", "GPU", "deep learning", "molecular dynamics"],
                {"GPUs": "8 × NVIDIA A100 80 GB"},
                "Dedicated GPU node for deep learning training and simulation.",
                "用于深度学习训练及模拟计算的专用GPU节点。",
                ALWAYS,
                "hour",
                60,
                False,
                False,
                60,
                60,
                2880,
            ),
            (
                "dataset",
                "Shanghai coastal ocean observation data set",
                "上海近海海洋观测数据集",
                "",
                ["oceanography", "time series", "remote sensing"],
                {"Period": "2010–2024"},
                "Curated buoy and satellite time series; access through a supervised data room session.",
                "经整理的浮标及卫星时间序列数据；通过受监督的数据室访问。",
                H,
                "hour",
                50,
                False,
                True,
                60,
                60,
                480,
            ),
        ],
    },
]

CATEGORY_FACTORS = {
    "internal": Decimal("1.0"),
    "hk_academic": Decimal("1.5"),
    "mainland_academic": Decimal("1.5"),
    "other_academic": Decimal("2.0"),
    "industry": Decimal("3.0"),
}


def _tariffs(resource: Resource, base: int, unit: str) -> None:
    local = "HKD" if resource.facility.region == "HK" else "CNY"
    for category, factor in CATEGORY_FACTORS.items():
        # Cross-border academics pay in their own currency at the same level.
        currency = local
        if category == "mainland_academic" and local == "HKD":
            currency = "CNY"
        if category == "hk_academic" and local == "CNY":
            currency = "HKD"
        Tariff.objects.update_or_create(
            resource=resource,
            category=category,
            defaults={
                "unit": unit,
                "price": (Decimal(base) * factor).quantize(Decimal("1")),
                "currency": currency,
                "cancellation_window_hours": 48 if unit == "hour" else 24,
                "late_cancellation_fee_percent": 50,
                "no_show_fee_percent": 100,
            },
        )


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).order_by("id").first()


def seed_facilities(stdout: TextIO) -> list[Resource]:
    manager = Person.objects.filter(username=MANAGER_USERNAME).first()
    resources: list[Resource] = []
    for spec in FACILITIES:
        org = _org(spec["org"])
        if org is None:
            stdout.write(f"  facilities: {spec['org']} not among the organisations; skipped\n")
            continue
        cal = "CN" if org.region == "CN" else "HK"
        fac, _created = Facility.objects.update_or_create(
            name=spec["name"],
            defaults={
                "name_zh": spec["name_zh"],
                "organisation": org,
                "city": org.city,
                "region": org.region,
                "location": spec["location"],
                "contact_email": "facility@example.org",
                "description": f"Demo entry for a shared facility of {org.name}.",
                "description_zh": f"{org.name_zh or org.name}共享设施（演示数据）。",
            },
        )
        if manager is not None:
            fac.managers.add(manager)
        for (
            kind,
            name,
            name_zh,
            maker,
            techniques,
            specs,
            en,
            zh,
            hours,
            unit,
            price,
            training,
            approval,
            step,
            min_d,
            max_d,
        ) in spec["resources"]:
            res, _ = Resource.objects.update_or_create(
                facility=fac,
                name=name,
                defaults={
                    "kind": kind,
                    "name_zh": name_zh,
                    "manufacturer": maker,
                    "techniques": techniques,
                    "specifications": specs,
                    "description": en,
                    "description_zh": zh,
                    "opening_hours": hours,
                    "holiday_calendar": "none" if hours is ALWAYS else cal,
                    "timezone": "Asia/Hong_Kong" if cal == "HK" else "Asia/Shanghai",
                    "training_required": training,
                    "training_valid_months": 24 if training else None,
                    "approval_required": approval,
                    "granularity_minutes": step,
                    "min_duration_minutes": min_d,
                    "max_duration_minutes": max_d,
                    "lead_time_hours": 24,
                    "max_advance_days": 90,
                },
            )
            _tariffs(res, price, unit)
            resources.append(res)
    return resources


def _bookers() -> list[Person]:
    ids = ResearcherProfile.objects.filter(
        organisation__isnull=False, person__is_demo=True
    ).values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=list(ids)).order_by("id")[:60])


@transaction.atomic
def seed_bookings(stdout: TextIO, resources: list[Resource], rng: random.Random) -> int:
    if Booking.objects.filter(resource__in=resources).exists():
        return 0
    bookers = _bookers()
    if not bookers:
        stdout.write("  facilities: no demo researchers with an organisation; no bookings\n")
        return 0
    manager = Person.objects.filter(username=MANAGER_USERNAME).first()
    now = timezone.now()
    today = timezone.localdate()
    made = 0
    for res in resources:
        tz = ZoneInfo(res.timezone)
        for offset in range(-14, 15):
            day = today + dt.timedelta(days=offset)
            for s, e in availability.opening_intervals(res, day):
                cursor = s
                while cursor < e and rng.random() < 0.55:
                    cursor += dt.timedelta(minutes=res.granularity_minutes * rng.randint(0, 4))
                    length = dt.timedelta(
                        minutes=max(
                            res.min_duration_minutes,
                            min(res.max_duration_minutes, 60 * rng.randint(1, 4)),
                        )
                    )
                    start, end = cursor, cursor + length
                    if end > e:
                        break
                    cursor = end
                    person = rng.choice(bookers)
                    info = services.booker_info(person, res.facility)
                    tariff = services.tariff_for(res, info.category)
                    if tariff is None:
                        continue
                    samples = rng.randint(1, 6) if tariff.unit == "sample" else 0
                    q = services.quote(person, res, start, end, samples)
                    past = end <= now
                    if past:
                        status = rng.choices(
                            [BookingStatus.USED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED],
                            [0.85, 0.05, 0.10],
                        )[0]
                    elif start <= now:
                        continue
                    else:
                        status = (
                            rng.choices(
                                [BookingStatus.REQUESTED, BookingStatus.APPROVED], [0.4, 0.6]
                            )[0]
                            if res.approval_required
                            else BookingStatus.APPROVED
                        )
                    b = Booking.objects.create(
                        resource=res,
                        booker=person,
                        organisation=info.organisation,
                        booker_region=info.region,
                        category=q.category,
                        starts_at=start.astimezone(tz),
                        ends_at=end.astimezone(tz),
                        samples=samples,
                        purpose=rng.choice(
                            [
                                "Sample characterisation",
                                "Thesis work",
                                "Joint project",
                                "Pilot study",
                            ]
                        ),
                        status=status,
                        unit=q.unit,
                        unit_price=q.unit_price,
                        quantity=q.quantity,
                        price=q.price,
                        currency=q.currency,
                        cancellation_window_hours=tariff.cancellation_window_hours,
                        late_cancellation_fee_percent=tariff.late_cancellation_fee_percent,
                        no_show_fee_percent=tariff.no_show_fee_percent,
                        decided_by=manager if status != BookingStatus.REQUESTED else None,
                        decided_at=start - dt.timedelta(days=2)
                        if status != BookingStatus.REQUESTED
                        else None,
                    )
                    made += 1
                    if status == BookingStatus.USED:
                        UsageRecord.objects.create(
                            booking=b,
                            started_at=start,
                            ended_at=end,
                            samples=samples,
                            recorded_by=manager,
                        )
                        Charge.objects.create(
                            booking=b,
                            payer=person,
                            organisation=info.organisation,
                            kind=ChargeKind.USAGE,
                            incurred_on=start.astimezone(HKT).date(),
                            description=f"Use of {res.name}"[:300],
                            quantity=q.quantity,
                            unit=q.unit,
                            unit_price=q.unit_price,
                            amount=q.price,
                            currency=q.currency,
                        )
                    elif status == BookingStatus.NO_SHOW:
                        Charge.objects.create(
                            booking=b,
                            payer=person,
                            organisation=info.organisation,
                            kind=ChargeKind.NO_SHOW,
                            incurred_on=start.astimezone(HKT).date(),
                            description=f"No-show: {res.name}"[:300],
                            quantity=Decimal(1),
                            unit=q.unit,
                            unit_price=q.unit_price,
                            amount=q.price,
                            currency=q.currency,
                        )
    return made


@transaction.atomic
def seed_certificates(resources: list[Resource], rng: random.Random) -> int:
    """Training certificates that make the demo coherent: everyone who has booked an
    instrument that needs training holds its certificate (issued by the facility's manager
    some months ago, valid two years), and the demo researcher holds about half of them —
    so both "you are certified" and "you need training first" can be seen."""
    manager = Person.objects.filter(username=MANAGER_USERNAME).first()
    today = timezone.localdate()
    demo_researcher = Person.objects.filter(username="demo-researcher").first()
    made = 0
    for i, res in enumerate(r for r in resources if r.training_required):
        people = set(
            Booking.objects.filter(resource=res).values_list("booker_id", flat=True).distinct()
        )
        if demo_researcher is not None and i % 2 == 0:
            people.add(demo_researcher.pk)
        for person_id in sorted(people):
            issued = today - dt.timedelta(days=rng.randint(30, 300))
            _, created = TrainingCertificate.objects.get_or_create(
                person_id=person_id,
                resource=res,
                defaults={
                    "issued_by": manager,
                    "issued_on": issued,
                    "valid_until": issued + dt.timedelta(days=730),
                },
            )
            made += created
    return made


@transaction.atomic
def seed_training_requests(resources: list[Resource], rng: random.Random) -> int:
    """Open training requests for the manager's queue: the demo researcher waits for one
    instrument (so "requested, pending" can be seen beside "certified until …" and "you
    need training"), and a few demo researchers without a certificate wait for others,
    one with a session already scheduled."""
    demo_researcher = Person.objects.filter(username="demo-researcher").first()
    needing = [r for r in resources if r.training_required]
    certified = set(TrainingCertificate.objects.values_list("person_id", "resource_id"))
    people = [p for p in _bookers() if p.pk != getattr(demo_researcher, "pk", None)]
    now = timezone.now()
    made = 0
    wishes: list[tuple[Person, Resource, str]] = []
    if demo_researcher is not None:
        waiting = [r for r in needing if (demo_researcher.pk, r.pk) not in certified]
        if waiting:
            wishes.append((demo_researcher, waiting[0], "First time on this instrument."))
    for res in needing[:4]:
        free = [p for p in people if (p.pk, res.pk) not in certified]
        if free:
            person = free[rng.randrange(len(free))]
            wishes.append((person, res, "Needed for samples of our joint project."))
    for n, (person, res, message) in enumerate(wishes):
        _req, created = TrainingRequest.objects.get_or_create(
            person=person,
            resource=res,
            status__in=OPEN_TRAINING,
            defaults={
                "message": message,
                "status": TrainingRequestStatus.SCHEDULED
                if n == 1
                else TrainingRequestStatus.REQUESTED,
                "session_at": (now + dt.timedelta(days=7)).replace(
                    hour=2, minute=0, second=0, microsecond=0
                )
                if n == 1
                else None,
            },
        )
        made += created
    return made


def seed(stdout: TextIO, *, seed: int = 2026) -> None:
    rng = random.Random(seed)
    resources = seed_facilities(stdout)
    made = seed_bookings(stdout, resources, rng)
    certificates = seed_certificates(resources, rng)
    requests = seed_training_requests(resources, rng)
    stdout.write(
        f"  facilities: {Facility.objects.count()} facilities, {len(resources)} demo resources, "
        f"{made} new bookings, {certificates} new training certificates, "
        f"{requests} open training requests\n"
    )
