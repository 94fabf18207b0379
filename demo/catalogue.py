"""What the Shanghai demo is made of: skills, shifts, names, products, their problems, parts and time windows.

Data only; `demo.seed` draws the demo's people and tickets from it with a seeded generator.
"""

from __future__ import annotations

from datetime import time

from dispatch.enums import ProductCategory, TicketType

# Typed as a Shanghai team would type it: people, products, parts and notes in Chinese only, so an English
# word on a Chinese page is the app's, and stands out. Codes and model numbers stay as they are.
SKILL_NAMES = {
    "large_appliance_install": "大家电安装",
    "large_appliance_repair": "大家电维修",
    "small_appliance_install": "小家电安装",
    "small_appliance_repair": "小家电维修",
    "furniture_assembly": "家具安装",
    "furniture_repair": "家具维修",
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
        ("海尔", "BCD-470WDPG", 4599),
        ("美的", "KFR-35GW/N8", 3299),
        ("格力", "KFR-72LW", 8999),
        ("西门子", "WM14U561HW", 6499),
        ("小天鹅", "TG100V88", 2899),
        ("海尔", "EC6002-MC3", 1899),
        ("卡萨帝", "BCD-635WGCTU1", 28999),
        ("博世", "SMS6ECI07C", 5999),
    ),
    ProductCategory.SMALL_APPLIANCE: (
        ("美的", "MG38CB", 599),
        ("飞利浦", "AC3858", 2699),
        ("小米", "MJSCJ01", 1999),
        ("九阳", "DJ13R-P10", 499),
    ),
    ProductCategory.FURNITURE: (
        ("宜家", "PAX-236", 3580),
        ("顾家家居", "KUKA-2058", 12999),
        ("全友", "QW-1803", 6980),
        ("美克美家", "MK-BED-18", 45800),
        ("纳图兹", "NZ-SOFA-3", 86000),
    ),
}

PROBLEMS = {
    TicketType.INSTALLATION: ("新购商品送货后需要上门安装。",),
    TicketType.REPAIR: (
        "不制冷，压缩机有异响。",
        "通电后不工作，显示E4故障码。",
        "漏水，地面有积水。",
        "柜门松动，关不严。",
    ),
    TicketType.INSPECTION: (
        "安装前上门测量尺寸。",
        "客户反映有异味，需上门检测。",
    ),
    TicketType.RETURN_PICKUP: ("七天无理由退货，上门取件。",),
    TicketType.EXCHANGE: ("运输途中外观破损，换新。",),
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
    ("P-CAP-35", "压缩机启动电容", "45.00"),
    ("P-VALVE-IN", "进水阀", "68.00"),
    ("P-PUMP-DR", "排水泵", "120.00"),
    ("P-BELT-01", "洗衣机皮带", "35.00"),
    ("P-SEAL-DR", "门封条", "88.00"),
    ("P-HINGE-01", "铰链", "25.00"),
    ("P-BRKT-AC", "空调支架", "150.00"),
    ("P-PIPE-3M", "铜管延长3米", "210.00"),
    ("P-SENSOR-T", "温度传感器", "56.00"),
    ("P-SLIDE-01", "抽屉滑轨", "40.00"),
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
