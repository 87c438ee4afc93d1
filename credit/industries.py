"""The national industry classification (GB/T 4754-2011: 20 sections, 96 divisions) and the 15 market
entity types the prohibited-conduct catalogue is filtered by (Hengqin, seed case 7: "国民经济20个门类96个
类别及15个市场主体类型"). The 2011 edition is the one whose counts match the seed (the 2017 edition has 97
divisions). The 15 entity types are our reading of the registration categories of the time: the seed gives
only their number.

A catalogue item names the industries it concerns as codes: a section letter alone ("F", the whole
section) or the section letter and a division ("F51"); no code at all means every industry.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# (section, zh, en, first division, last division)
SECTIONS: tuple[tuple[str, str, str, int, int], ...] = (
    ("A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery", 1, 5),
    ("B", "采矿业", "Mining", 6, 12),
    ("C", "制造业", "Manufacturing", 13, 43),
    ("D", "电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water production and supply", 44, 46),
    ("E", "建筑业", "Construction", 47, 50),
    ("F", "批发和零售业", "Wholesale and retail trade", 51, 52),
    ("G", "交通运输、仓储和邮政业", "Transport, storage and postal services", 53, 60),
    ("H", "住宿和餐饮业", "Accommodation and catering", 61, 62),
    ("I", "信息传输、软件和信息技术服务业", "Information transmission, software and IT services", 63, 65),
    ("J", "金融业", "Finance", 66, 69),
    ("K", "房地产业", "Real estate", 70, 70),
    ("L", "租赁和商务服务业", "Leasing and business services", 71, 72),
    ("M", "科学研究和技术服务业", "Scientific research and technical services", 73, 75),
    ("N", "水利、环境和公共设施管理业", "Water conservancy, environment and public facilities", 76, 78),
    ("O", "居民服务、修理和其他服务业", "Resident services, repair and other services", 79, 81),
    ("P", "教育", "Education", 82, 82),
    ("Q", "卫生和社会工作", "Health and social work", 83, 84),
    ("R", "文化、体育和娱乐业", "Culture, sports and entertainment", 85, 89),
    ("S", "公共管理、社会保障和社会组织", "Public administration, social security and social organisations", 90, 95),
    ("T", "国际组织", "International organisations", 96, 96),
)

DIVISIONS: dict[int, tuple[str, str]] = {
    1: ("农业", "Agriculture"), 2: ("林业", "Forestry"), 3: ("畜牧业", "Animal husbandry"), 4: ("渔业", "Fishery"),
    5: ("农、林、牧、渔服务业", "Agricultural, forestry, husbandry and fishery services"),
    6: ("煤炭开采和洗选业", "Coal mining and washing"), 7: ("石油和天然气开采业", "Oil and natural gas extraction"),
    8: ("黑色金属矿采选业", "Ferrous metal ore mining"), 9: ("有色金属矿采选业", "Non-ferrous metal ore mining"),
    10: ("非金属矿采选业", "Non-metallic mineral mining"), 11: ("开采辅助活动", "Mining support activities"),
    12: ("其他采矿业", "Other mining"), 13: ("农副食品加工业", "Agricultural and sideline food processing"),
    14: ("食品制造业", "Food manufacturing"), 15: ("酒、饮料和精制茶制造业", "Liquor, beverages and refined tea"),
    16: ("烟草制品业", "Tobacco products"), 17: ("纺织业", "Textiles"), 18: ("纺织服装、服饰业", "Apparel and clothing"),
    19: ("皮革、毛皮、羽毛及其制品和制鞋业", "Leather, fur, feathers and footwear"),
    20: ("木材加工和木、竹、藤、棕、草制品业", "Wood, bamboo, rattan, palm and straw products"),
    21: ("家具制造业", "Furniture"), 22: ("造纸和纸制品业", "Paper and paper products"),
    23: ("印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    24: ("文教、工美、体育和娱乐用品制造业", "Stationery, arts and crafts, sports and entertainment goods"),
    25: ("石油加工、炼焦和核燃料加工业", "Petroleum, coking and nuclear fuel processing"),
    26: ("化学原料和化学制品制造业", "Chemical raw materials and chemical products"),
    27: ("医药制造业", "Pharmaceuticals"), 28: ("化学纤维制造业", "Chemical fibres"),
    29: ("橡胶和塑料制品业", "Rubber and plastic products"), 30: ("非金属矿物制品业", "Non-metallic mineral products"),
    31: ("黑色金属冶炼和压延加工业", "Ferrous metal smelting and rolling"),
    32: ("有色金属冶炼和压延加工业", "Non-ferrous metal smelting and rolling"), 33: ("金属制品业", "Metal products"),
    34: ("通用设备制造业", "General-purpose machinery"), 35: ("专用设备制造业", "Special-purpose machinery"),
    36: ("汽车制造业", "Motor vehicles"),
    37: ("铁路、船舶、航空航天和其他运输设备制造业", "Railway, ship, aerospace and other transport equipment"),
    38: ("电气机械和器材制造业", "Electrical machinery and equipment"),
    39: ("计算机、通信和其他电子设备制造业", "Computers, communication and other electronic equipment"),
    40: ("仪器仪表制造业", "Instruments and meters"), 41: ("其他制造业", "Other manufacturing"),
    42: ("废弃资源综合利用业", "Recycling of waste resources"),
    43: ("金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    44: ("电力、热力生产和供应业", "Electricity and heat production and supply"),
    45: ("燃气生产和供应业", "Gas production and supply"), 46: ("水的生产和供应业", "Water production and supply"),
    47: ("房屋建筑业", "Building construction"), 48: ("土木工程建筑业", "Civil engineering"),
    49: ("建筑安装业", "Building installation"), 50: ("建筑装饰和其他建筑业", "Building decoration and other construction"),
    51: ("批发业", "Wholesale"), 52: ("零售业", "Retail"), 53: ("铁路运输业", "Rail transport"),
    54: ("道路运输业", "Road transport"), 55: ("水上运输业", "Water transport"), 56: ("航空运输业", "Air transport"),
    57: ("管道运输业", "Pipeline transport"), 58: ("装卸搬运和运输代理业", "Cargo handling and freight forwarding"),
    59: ("仓储业", "Storage"), 60: ("邮政业", "Postal services"), 61: ("住宿业", "Accommodation"),
    62: ("餐饮业", "Catering"), 63: ("电信、广播电视和卫星传输服务", "Telecommunications, broadcasting and satellite"),
    64: ("互联网和相关服务", "Internet and related services"), 65: ("软件和信息技术服务业", "Software and IT services"),
    66: ("货币金融服务", "Monetary financial services"), 67: ("资本市场服务", "Capital market services"),
    68: ("保险业", "Insurance"), 69: ("其他金融业", "Other financial services"), 70: ("房地产业", "Real estate"),
    71: ("租赁业", "Leasing"), 72: ("商务服务业", "Business services"), 73: ("研究和试验发展", "Research and development"),
    74: ("专业技术服务业", "Professional technical services"),
    75: ("科技推广和应用服务业", "Technology promotion and application services"),
    76: ("水利管理业", "Water conservancy management"),
    77: ("生态保护和环境治理业", "Ecological protection and environmental management"),
    78: ("公共设施管理业", "Public facilities management"), 79: ("居民服务业", "Resident services"),
    80: ("机动车、电子产品和日用产品修理业", "Repair of motor vehicles, electronics and household goods"),
    81: ("其他服务业", "Other services"), 82: ("教育", "Education"), 83: ("卫生", "Health"), 84: ("社会工作", "Social work"),
    85: ("新闻和出版业", "News and publishing"), 86: ("广播、电视、电影和影视录音制作业", "Radio, television, film and recording"),
    87: ("文化艺术业", "Culture and arts"), 88: ("体育", "Sports"), 89: ("娱乐业", "Entertainment"),
    90: ("中国共产党机关", "Communist Party of China organs"), 91: ("国家机构", "State organs"),
    92: ("人民政协、民主党派", "CPPCC and democratic parties"), 93: ("社会保障", "Social security"),
    94: ("群众团体、社会团体和其他成员组织", "Mass and social organisations"),
    95: ("基层群众自治组织", "Grassroots self-governing organisations"), 96: ("国际组织", "International organisations"),
}  # fmt: skip

SECTION_OF: dict[int, str] = {
    division: section for section, _zh, _en, first, last in SECTIONS for division in range(first, last + 1)
}


class EntityType(models.TextChoices):
    """The 15 kinds of market entity an item may concern (none named: every kind)."""

    LLC = "llc", _("Limited liability company")
    ONE_PERSON_LLC = "one_person_llc", _("One-person limited liability company")
    STATE_SOLE = "state_sole", _("Wholly state-owned company")
    JOINT_STOCK = "joint_stock", _("Joint-stock company")
    FOREIGN_INVESTED = "foreign_invested", _("Foreign-invested enterprise")
    HMT_INVESTED = "hmt_invested", _("Hong Kong, Macao or Taiwan invested enterprise")
    BRANCH = "branch", _("Branch")
    NON_COMPANY = "non_company", _("Non-company enterprise legal person")
    COLLECTIVE = "collective", _("Collectively owned enterprise")
    PARTNERSHIP = "partnership", _("Partnership")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship")
    INDIVIDUAL = "individual", _("Individual industrial and commercial household")
    COOPERATIVE = "cooperative", _("Farmers' specialised cooperative")
    REPRESENTATIVE_OFFICE = "representative_office", _("Resident representative office of a foreign enterprise")
    OTHER = "other", _("Other market entity")


def _zh() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def industry_label(code: str) -> str:
    """A code's name in the active language: "F 批发和零售业", "F51 批发业"."""
    if len(code) == 1:
        found = [s for s in SECTIONS if s[0] == code]
        return f"{code} {found[0][1] if _zh() else found[0][2]}" if found else code
    names = DIVISIONS.get(int(code[1:])) if code[1:].isdigit() else None
    return f"{code} {names[0] if _zh() else names[1]}" if names else code


def industry_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The search form's options: each section, then its divisions, grouped under it."""
    return [
        (
            industry_label(section),
            [(section, industry_label(section))]
            + [(f"{section}{d:02d}", industry_label(f"{section}{d:02d}")) for d in range(first, last + 1)],
        )
        for section, _zh_name, _en_name, first, last in SECTIONS
    ]


def industry_code(text: str) -> str | None:
    """A code in its stored form, or None when it is not one: "f" → "F", "51" or "F51" → "F51"; a division
    under the wrong section ("C51") is not a code."""
    text = text.strip().upper()
    if len(text) == 1 and any(s[0] == text for s in SECTIONS):
        return text
    digits = text[1:] if text[:1].isalpha() else text
    if len(digits) != 2 or not digits.isdigit() or int(digits) not in SECTION_OF:
        return None
    section = SECTION_OF[int(digits)]
    if text[:1].isalpha() and text[0] != section:
        return None
    return f"{section}{digits}"
