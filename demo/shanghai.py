"""Shanghai districts with the coordinates of their government seats (WGS-84, approximate to ~100 m)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    code: str  # administrative division code (adcode)
    name: str  # 区 name as customers write it
    lat: float
    lon: float
    streets: tuple[str, ...]


DISTRICTS: tuple[District, ...] = (
    District("310101", "黄浦区", 31.2317, 121.4846, ("南京东路", "淮海中路", "西藏南路", "中山南路")),
    District("310104", "徐汇区", 31.1885, 121.4365, ("漕溪北路", "衡山路", "龙华中路", "田林路")),
    District("310105", "长宁区", 31.2204, 121.4243, ("愚园路", "天山路", "延安西路", "仙霞路")),
    District("310106", "静安区", 31.2286, 121.4480, ("南京西路", "共和新路", "延长中路", "江场路")),
    District("310107", "普陀区", 31.2495, 121.3972, ("真北路", "曹杨路", "长寿路", "金沙江路")),
    District("310109", "虹口区", 31.2646, 121.5050, ("四川北路", "大连西路", "曲阳路", "凉城路")),
    District("310110", "杨浦区", 31.2596, 121.5260, ("黄兴路", "国权路", "控江路", "长阳路")),
    District("310112", "闵行区", 31.1128, 121.3816, ("莘庄路", "七莘路", "都市路", "虹井路")),
    District("310113", "宝山区", 31.4045, 121.4897, ("牡丹江路", "友谊路", "淞宝路", "共康路")),
    District("310114", "嘉定区", 31.3748, 121.2655, ("博乐路", "城中路", "安亭路", "曹安公路")),
    District("310115", "浦东新区", 31.2215, 121.5447, ("世纪大道", "张杨路", "锦绣路", "川沙路", "金桥路")),
    District("310116", "金山区", 30.7419, 121.3420, ("龙山路", "卫清路")),
    District("310117", "松江区", 31.0322, 121.2277, ("中山中路", "人民北路", "九亭大街")),
    District("310118", "青浦区", 31.1497, 121.1241, ("公园路", "华新路")),
    District("310120", "奉贤区", 30.9180, 121.4741, ("南桥路", "解放路")),
)

# Outer districts are served by few crews; the demo keeps its customers in the city and near suburbs.
DEMO_DISTRICT_WEIGHTS: dict[str, int] = {
    "黄浦区": 6,
    "徐汇区": 9,
    "长宁区": 7,
    "静安区": 8,
    "普陀区": 8,
    "虹口区": 6,
    "杨浦区": 8,
    "闵行区": 12,
    "宝山区": 8,
    "嘉定区": 5,
    "浦东新区": 18,
    "金山区": 1,
    "松江区": 5,
    "青浦区": 2,
    "奉贤区": 2,
}
