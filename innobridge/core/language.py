"""Language and script helpers for the web layer.

User content keeps the language it was written in; for search it is folded
(NFKC, case, Traditional→Simplified) so that 香港科技大學 and 香港科技大学 meet.
The folding itself belongs to the matching engine's ``text`` module; this module
only adapts it to the request's UI language.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from innobridge.matching.text import fold, to_script

__all__ = [
    "city_name",
    "display_chinese",
    "fold",
    "name_in_language",
    "position_name",
    "script_for_language",
    "shown_converted",
    "to_script",
]

# OpenCC's ``s2hk`` writes a few characters in variant forms (閲, 説, 税, 集羣) that Hong
# Kong's own publications (gov.hk, the universities, the press) write in the common
# Traditional form; the UI's catalogue uses the common forms, so user content does too.
_HONG_KONG_COMMON_FORMS = str.maketrans(
    {"閲": "閱", "説": "說", "税": "稅", "羣": "群", "銹": "鏽"}
)


def script_for_language(language_code: str | None = None) -> str | None:
    """``zh-hant`` / ``zh-hans`` for a Chinese UI language, else None."""
    code = (language_code or translation.get_language() or "").lower()
    if code.startswith("zh-hant") or code in {"zh-hk", "zh-tw", "zh-mo"}:
        return "zh-hant"
    if code.startswith("zh"):
        return "zh-hans"
    return None


def display_chinese(text: str, language_code: str | None = None) -> str:
    """Chinese text in the script of the UI (Traditional for 繁體中文, Simplified
    for 简体中文); unchanged for other UI languages."""
    script = script_for_language(language_code)
    if not text or script is None:
        return text
    return _in_script(text, script)


def _in_script(text: str, script: str) -> str:
    converted = to_script(text, script)
    if script == "zh-hant":
        converted = converted.translate(_HONG_KONG_COMMON_FORMS)
    return converted


def shown_converted(text: str, language_code: str | None = None) -> bool:
    """Whether :func:`display_chinese` shows ``text`` differently from how it is stored (a
    Simplified text in the Traditional UI or the other way round), so the page can say so."""
    return bool(text) and display_chinese(text, language_code) != text


def name_in_language(name: str, name_zh: str, language_code: str | None = None) -> str:
    """A bilingual name (an organisation's, a partner institution's) in the UI's
    language: in 繁體中文 and 简体中文 the Chinese name, in the UI's script, when there is
    one; else the English name."""
    script = script_for_language(language_code)
    if name_zh and script is not None:
        return _in_script(name_zh, script)
    return name


# The positions the platform's profiles use, and the cities of the organisations in the
# boundary regions: stored in English, shown in the UI's language (the Chinese names are
# written in Simplified here and shown in the UI's script).
_POSITIONS = {
    "professor": _("Professor"),
    "associate professor": _("Associate Professor"),
    "assistant professor": _("Assistant Professor"),
    "chair professor": _("Chair Professor"),
    "research assistant professor": _("Research Assistant Professor"),
    "lecturer": _("Lecturer"),
    "senior lecturer": _("Senior Lecturer"),
    "researcher": _("Researcher"),
    "associate researcher": _("Associate Researcher"),
    "senior research scientist": _("Senior Research Scientist"),
    "research scientist": _("Research Scientist"),
    "principal investigator": _("Principal Investigator"),
    "postdoctoral fellow": _("Postdoctoral Fellow"),
    "postdoctoral researcher": _("Postdoctoral Researcher"),
    "research fellow": _("Research Fellow"),
    "phd student": _("PhD student"),
    "engineer": _("Engineer"),
    "senior engineer": _("Senior Engineer"),
    "chief technology officer": _("Chief Technology Officer"),
    "r&d manager": _("R&D Manager"),
    "technology transfer officer": _("Technology Transfer Officer"),
    "programme officer": _("Programme Officer"),
    "facility manager": _("Facility Manager"),
}

_CITIES_ZH = {
    "beijing": "北京", "shanghai": "上海", "guangzhou": "广州", "nanjing": "南京",
    "wuhan": "武汉", "hangzhou": "杭州", "shenzhen": "深圳", "chengdu": "成都",
    "xi'an": "西安", "xian": "西安", "hong kong": "香港", "chongqing": "重庆",
    "tianjin": "天津", "changsha": "长沙", "shenyang": "沈阳", "jinan": "济南",
    "zhengzhou": "郑州", "kunming": "昆明", "changchun": "长春", "dalian": "大连",
    "suzhou": "苏州", "harbin": "哈尔滨", "hefei": "合肥", "fuzhou": "福州",
    "qingdao": "青岛", "shijiazhuang": "石家庄", "nanchang": "南昌", "nanning": "南宁",
    "taiyuan": "太原", "lanzhou": "兰州", "ürümqi": "乌鲁木齐", "urumqi": "乌鲁木齐",
    "ningbo": "宁波", "guiyang": "贵阳", "wenzhou": "温州", "taizhou": "台州",
    "macao": "澳门", "macau": "澳门", "hohhot": "呼和浩特", "guilin": "桂林",
    "zhuhai": "珠海", "yinchuan": "银川", "xuzhou": "徐州", "xiamen": "厦门",
    "wuxi": "无锡", "mianyang": "绵阳", "jilin city": "吉林", "foshan": "佛山",
    "xining": "西宁", "pudong": "浦东", "dongguan": "东莞", "wuhu": "芜湖",
    "haikou": "海口", "xinxiang": "新乡", "xiangtan": "湘潭", "nantong": "南通",
    "langfang": "廊坊", "bengbu": "蚌埠", "baoding": "保定", "xianyang": "咸阳",
    "weifang": "潍坊", "shaoxing": "绍兴", "shantou": "汕头", "lhasa": "拉萨",
    "kowloon": "九龙", "sha tin": "沙田", "shatin": "沙田", "tai po": "大埔",
    "pok fu lam": "薄扶林", "clear water bay": "清水湾", "hung hom": "红磡",
    "kowloon tong": "九龙塘", "tsuen wan": "荃湾", "tuen mun": "屯门", "taipa": "氹仔",
    # the rest of the Hong Kong districts in ROR, and the Mainland cities it names most
    "wan chai": "湾仔", "kwun tong": "观塘", "kwun tong district": "观塘",
    "wong chuk hang": "黄竹坑", "aberdeen": "香港仔", "mong kok": "旺角", "chai wan": "柴湾",
    "sheung wan": "上环", "central": "中环", "sai kung": "西贡", "yuen long": "元朗",
    "tseung kwan o": "将军澳", "cotai": "路氹",
    "amoy": "厦门", "changzhou": "常州", "huainan": "淮南", "liuzhou": "柳州",
    "ganzhou": "赣州", "kaifeng": "开封", "jining": "济宁", "luzhou": "泸州",
    "baotou": "包头", "yantai": "烟台", "handan": "邯郸", "daqing": "大庆",
    "zhaoqing": "肇庆", "kunshan": "昆山", "hengyang": "衡阳", "jiaxing": "嘉兴",
    "zhanjiang": "湛江", "shiyan": "十堰", "lianyungang": "连云港", "pingdingshan": "平顶山",
    "jiaozuo": "焦作", "luoyang": "洛阳", "huai'an": "淮安", "huzhou": "湖州",
    "yangling": "杨凌", "zhenjiang": "镇江", "jinhua": "金华", "liaocheng": "聊城",
    "tangshan": "唐山", "qinhuangdao": "秦皇岛", "tai'an": "泰安", "tai\u2019an": "泰安",
    "xinyang": "信阳", "zhaotong": "昭通", "zunyi": "遵义", "chuzhou": "滁州",
    "anyang": "安阳", "sanya": "三亚", "qinzhou": "钦州", "chaozhou": "潮州",
    "nanchong": "南充", "huizhou": "惠州", "dalian shi": "大连", "fushun": "抚顺",
    "fuyang": "阜阳", "yichang": "宜昌", "wuzhou": "梧州", "zhangjiakou": "张家口",
    "mudanjiang": "牡丹江", "enshi": "恩施", "xuhui": "徐汇", "yangzhou": "扬州",
    "yancheng": "盐城", "zhongshan": "中山", "jiangmen": "江门", "shaoguan": "韶关",
}  # fmt: skip

_COUNTRIES = {"HK": _("Hong Kong"), "CN": _("Mainland"), "MO": _("Macao")}


def position_name(position: str) -> str:
    """A stored position ("Associate Professor") in the UI's language when it is one the
    platform knows; any other text as written."""
    label = _POSITIONS.get((position or "").strip().lower())
    return str(label) if label is not None else position


def city_name(city: str, country_code: str = "", language_code: str | None = None) -> str:
    """A city in the UI's language ("Beijing" → 北京 / 北京), with the region in words
    rather than a raw code when ``country_code`` is given: "Beijing, Mainland"."""
    script = script_for_language(language_code)
    shown = city or ""
    if script is not None:
        zh = _CITIES_ZH.get(shown.strip().lower())
        if zh:
            shown = _in_script(zh, script)
    region = _COUNTRIES.get((country_code or "").upper())
    if region is None or not country_code:
        return shown if not country_code else f"{shown} ({country_code})"
    if script is not None:
        return f"{shown}（{region}）" if shown != str(region) else shown
    return f"{shown}, {region}" if shown != str(region) else shown
