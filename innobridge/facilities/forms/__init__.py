"""Forms of the facilities pages, one module per noun, re-exported here (callers import
from ``innobridge.facilities.forms``; the modules are the rooms):

- ``catalogue``: the catalogue's filters, the free-slot search
- ``bookings``: a booking request, a rejection, usage, disputes and their resolution
- ``resources``: publishing: facilities, resources with their rules, tariffs
- ``access``: who may book when: maintenance blocks, certificates, quotas
- ``training``: training requests and a manager's decisions on them
- ``common``: what they share (the longest free text, finding a typed person)
"""

from .access import CertificateForm, MaintenanceForm, PersonField, QuotaForm
from .bookings import (
    BookingForm,
    DisputeForm,
    RejectForm,
    ResolveForm,
    UsageForm,
    UsageRowForm,
    usage_initial,
)
from .catalogue import FREE_SLOTS_MAX_DAYS, CatalogueForm, FreeSlotsForm
from .common import PURPOSE_MAX
from .resources import (
    PHOTO_FORMATS,
    PHOTO_MAX_BYTES,
    WEEKDAYS,
    FacilityForm,
    IdForm,
    ResourceForm,
    TariffForm,
)
from .training import (
    TrainingApproveForm,
    TrainingDeclineForm,
    TrainingRequestForm,
    TrainingReturnForm,
    TrainingScheduleForm,
)

__all__ = [
    "FREE_SLOTS_MAX_DAYS",
    "PHOTO_FORMATS",
    "PHOTO_MAX_BYTES",
    "PURPOSE_MAX",
    "WEEKDAYS",
    "BookingForm",
    "CatalogueForm",
    "CertificateForm",
    "DisputeForm",
    "FacilityForm",
    "FreeSlotsForm",
    "IdForm",
    "MaintenanceForm",
    "PersonField",
    "QuotaForm",
    "RejectForm",
    "ResolveForm",
    "ResourceForm",
    "TariffForm",
    "TrainingApproveForm",
    "TrainingDeclineForm",
    "TrainingRequestForm",
    "TrainingReturnForm",
    "TrainingScheduleForm",
    "UsageForm",
    "UsageRowForm",
    "usage_initial",
]
