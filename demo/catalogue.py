"""What the Shanghai demo is made of: skills, shifts, names, products, their problems, parts and time windows.

Data only; `demo.seed` draws the demo's people and tickets from it with a seeded generator.
"""

from __future__ import annotations

from datetime import time

from dispatch.enums import ProductCategory, TicketType

SKILL_NAMES = {
    "large_appliance_install": "大家电安装 Large appliance installation",
    "large_appliance_repair": "大家电维修 Large appliance repair",
    "small_appliance_install": "小家电安装 Small appliance installation",
    "small_appliance_repair": "小家电维修 Small appliance repair",
    "furniture_assembly": "家具安装 Furniture assembly",
    "furniture_repair": "家具维修 Furniture repair",
}

# Crews specialise: appliance people, furniture people, and a few all-rounders.
SKILL_SETS = (
    ("large_appliance_install", "large_appliance_repair"),
    ("large_appliance_install", "small_appliance_install"),
    ("large_appliance_repair", "small_appliance_repair"),
    ("furniture_assembly", "furniture_repair"),
    ("furniture_assembly", "small_appliance_install"),
    ("large_appliance_install", "large_appliance_repair", "small_appliance_repair", "furniture_assembly"),
)

SHIFTS = ((time(8, 0), time(17, 0)), (time(8, 30), time(18, 0)), (time(9, 0), time(18, 30)), (time(10, 0), time(19, 0)))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = (
    "伟",
    "磊",
    "强",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "斌",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "洋",
    "婷",
    "浩",
    "鹏",
    "辉",
    "建国",
    "志强",
    "海燕",
    "晓东",
    "文博",
)

PRODUCTS = {
    ProductCategory.LARGE_APPLIANCE: (
        ("Haier", "BCD-470WDPG", 4599),
        ("Midea", "KFR-35GW/N8", 3299),
        ("Gree", "KFR-72LW", 8999),
        ("Siemens", "WM14U561HW", 6499),
        ("Little Swan", "TG100V88", 2899),
        ("Haier", "EC6002-MC3", 1899),
        ("Casarte", "BCD-635WGCTU1", 28999),
        ("Bosch", "SMS6ECI07C", 5999),
    ),
    ProductCategory.SMALL_APPLIANCE: (
        ("Midea", "MG38CB", 599),
        ("Philips", "AC3858", 2699),
        ("Xiaomi", "MJSCJ01", 1999),
        ("Joyoung", "DJ13R-P10", 499),
    ),
    ProductCategory.FURNITURE: (
        ("IKEA", "PAX-236", 3580),
        ("Kuka", "KUKA-2058", 12999),
        ("Quanu", "QW-1803", 6980),
        ("Markor", "MK-BED-18", 45800),
        ("Natuzzi", "NZ-SOFA-3", 86000),
    ),
}

PROBLEMS = {
    TicketType.INSTALLATION: ("新购商品送货后需要上门安装。 New purchase delivered, needs installation.",),
    TicketType.REPAIR: (
        "不制冷，压缩机有异响。 Not cooling, compressor noise.",
        "通电后不工作，显示E4故障码。 Shows error E4 and will not start.",
        "漏水，地面有积水。 Leaking water onto the floor.",
        "柜门松动，关不严。 Door loose, does not close.",
    ),
    TicketType.INSPECTION: (
        "安装前上门测量尺寸。 Measure the space before installation.",
        "客户反映有异味，需上门检测。 Customer reports a smell; inspect on site.",
    ),
    TicketType.RETURN_PICKUP: ("七天无理由退货，上门取件。 7-day no-reason return, pick up the unit.",),
    TicketType.EXCHANGE: ("外观破损，换新。 Damaged in transport, exchange for a new unit.",),
}
TYPE_WEIGHTS = {
    TicketType.INSTALLATION: 45,
    TicketType.REPAIR: 35,
    TicketType.INSPECTION: 8,
    TicketType.RETURN_PICKUP: 6,
    TicketType.EXCHANGE: 6,
}
CAUSE_BY_TYPE = {
    TicketType.REPAIR: "quality",
    TicketType.RETURN_PICKUP: "change_of_mind",
    TicketType.EXCHANGE: "transport_damage",
}

PARTS = (
    ("P-CAP-35", "压缩机启动电容 Compressor start capacitor", "45.00"),
    ("P-VALVE-IN", "进水阀 Water inlet valve", "68.00"),
    ("P-PUMP-DR", "排水泵 Drain pump", "120.00"),
    ("P-BELT-01", "洗衣机皮带 Washer drive belt", "35.00"),
    ("P-SEAL-DR", "门封条 Door seal", "88.00"),
    ("P-HINGE-01", "铰链 Hinge", "25.00"),
    ("P-BRKT-AC", "空调支架 AC wall bracket", "150.00"),
    ("P-PIPE-3M", "铜管延长 3m Copper pipe extension 3 m", "210.00"),
    ("P-SENSOR-T", "温度传感器 Temperature sensor", "56.00"),
    ("P-SLIDE-01", "抽屉滑轨 Drawer slide", "40.00"),
)

EVENING = (time(19, 30), time(21, 30))
EVENING_REQUESTS = 2
LATE_REQUESTS = 4
DAY_WINDOWS = (
    (time(9, 0), time(12, 0)),
    (time(13, 0), time(17, 0)),
    (time(9, 0), time(17, 0)),
    (time(14, 0), time(18, 0)),
    (time(10, 0), time(14, 0)),
)

MORNING_REPORTS = (("拆旧机，安装新机并试机，制冷正常", "P-BRKT-AC"), ("更换进水阀，试运行无漏水", "P-VALVE-IN"))
