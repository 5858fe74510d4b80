"""A synthetic directory at any scale: realistic, linked, and the same for the same seed.

``manage.py generate_directory`` drives it, and the benchmark (``bench/``) fills a
throwaway database with it. Records are drawn from one ``random.Random(seed)`` and
written with ``bulk_create`` in batches, ids coming back from the database. Names
are built from the word lists below (English with Chinese forms), so they look like
the institutions and people of real press releases; none of them is a fact, and
every Source made here says it is synthetic.

Shape, for N agreements: N/5 institutions (a few hubs with thousands of agreements,
then a long tail), N/2 people with positions, 150 fields in two levels, 2–4 parties
and 2–15 participations per agreement, signing dates over thirty years with mixed
precision, one synthetic press release per agreement.
"""

import datetime as dt
import itertools
import random
import time
from bisect import bisect
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils.text import slugify

from . import search_documents
from .models import (
    Agreement,
    AgreementFocusArea,
    AgreementKind,
    AgreementParty,
    AgreementSource,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionRelation,
    Participation,
    Person,
    Position,
    Source,
    SourceCredit,
)

# --------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------
# (city, 中文, region); the first city listed for a region is its capital.
CITIES = [
    ("Beijing", "北京", "Beijing"),
    ("Tianjin", "天津", "Tianjin"),
    ("Shanghai", "上海", "Shanghai"),
    ("Chongqing", "重庆", "Chongqing"),
    ("Shijiazhuang", "石家庄", "Hebei"),
    ("Baoding", "保定", "Hebei"),
    ("Tangshan", "唐山", "Hebei"),
    ("Taiyuan", "太原", "Shanxi"),
    ("Datong", "大同", "Shanxi"),
    ("Hohhot", "呼和浩特", "Inner Mongolia"),
    ("Baotou", "包头", "Inner Mongolia"),
    ("Shenyang", "沈阳", "Liaoning"),
    ("Dalian", "大连", "Liaoning"),
    ("Jinzhou", "锦州", "Liaoning"),
    ("Changchun", "长春", "Jilin"),
    ("Yanji", "延吉", "Jilin"),
    ("Harbin", "哈尔滨", "Heilongjiang"),
    ("Qiqihar", "齐齐哈尔", "Heilongjiang"),
    ("Nanjing", "南京", "Jiangsu"),
    ("Suzhou", "苏州", "Jiangsu"),
    ("Wuxi", "无锡", "Jiangsu"),
    ("Xuzhou", "徐州", "Jiangsu"),
    ("Nantong", "南通", "Jiangsu"),
    ("Yangzhou", "扬州", "Jiangsu"),
    ("Hangzhou", "杭州", "Zhejiang"),
    ("Ningbo", "宁波", "Zhejiang"),
    ("Wenzhou", "温州", "Zhejiang"),
    ("Shaoxing", "绍兴", "Zhejiang"),
    ("Hefei", "合肥", "Anhui"),
    ("Wuhu", "芜湖", "Anhui"),
    ("Bengbu", "蚌埠", "Anhui"),
    ("Fuzhou", "福州", "Fujian"),
    ("Xiamen", "厦门", "Fujian"),
    ("Quanzhou", "泉州", "Fujian"),
    ("Nanchang", "南昌", "Jiangxi"),
    ("Ganzhou", "赣州", "Jiangxi"),
    ("Jinan", "济南", "Shandong"),
    ("Qingdao", "青岛", "Shandong"),
    ("Yantai", "烟台", "Shandong"),
    ("Weifang", "潍坊", "Shandong"),
    ("Jining", "济宁", "Shandong"),
    ("Zhengzhou", "郑州", "Henan"),
    ("Luoyang", "洛阳", "Henan"),
    ("Xinxiang", "新乡", "Henan"),
    ("Kaifeng", "开封", "Henan"),
    ("Wuhan", "武汉", "Hubei"),
    ("Yichang", "宜昌", "Hubei"),
    ("Xiangyang", "襄阳", "Hubei"),
    ("Changsha", "长沙", "Hunan"),
    ("Hengyang", "衡阳", "Hunan"),
    ("Xiangtan", "湘潭", "Hunan"),
    ("Guangzhou", "广州", "Guangdong"),
    ("Shenzhen", "深圳", "Guangdong"),
    ("Foshan", "佛山", "Guangdong"),
    ("Dongguan", "东莞", "Guangdong"),
    ("Shantou", "汕头", "Guangdong"),
    ("Zhanjiang", "湛江", "Guangdong"),
    ("Zhuhai", "珠海", "Guangdong"),
    ("Nanning", "南宁", "Guangxi"),
    ("Guilin", "桂林", "Guangxi"),
    ("Liuzhou", "柳州", "Guangxi"),
    ("Haikou", "海口", "Hainan"),
    ("Sanya", "三亚", "Hainan"),
    ("Chengdu", "成都", "Sichuan"),
    ("Mianyang", "绵阳", "Sichuan"),
    ("Luzhou", "泸州", "Sichuan"),
    ("Nanchong", "南充", "Sichuan"),
    ("Guiyang", "贵阳", "Guizhou"),
    ("Zunyi", "遵义", "Guizhou"),
    ("Kunming", "昆明", "Yunnan"),
    ("Dali", "大理", "Yunnan"),
    ("Lhasa", "拉萨", "Tibet"),
    ("Xi'an", "西安", "Shaanxi"),
    ("Xianyang", "咸阳", "Shaanxi"),
    ("Yan'an", "延安", "Shaanxi"),
    ("Lanzhou", "兰州", "Gansu"),
    ("Xining", "西宁", "Qinghai"),
    ("Yinchuan", "银川", "Ningxia"),
    ("Urumqi", "乌鲁木齐", "Xinjiang"),
    ("Shihezi", "石河子", "Xinjiang"),
    ("Hong Kong", "香港", "Hong Kong"),
    ("Macau", "澳门", "Macau"),
]

# region: (中文, level); level decides "Provincial", "Municipal" or "Autonomous Region".
REGIONS = {
    "Beijing": ("北京", "municipality"),
    "Tianjin": ("天津", "municipality"),
    "Shanghai": ("上海", "municipality"),
    "Chongqing": ("重庆", "municipality"),
    "Hebei": ("河北", "province"),
    "Shanxi": ("山西", "province"),
    "Inner Mongolia": ("内蒙古", "autonomous"),
    "Liaoning": ("辽宁", "province"),
    "Jilin": ("吉林", "province"),
    "Heilongjiang": ("黑龙江", "province"),
    "Jiangsu": ("江苏", "province"),
    "Zhejiang": ("浙江", "province"),
    "Anhui": ("安徽", "province"),
    "Fujian": ("福建", "province"),
    "Jiangxi": ("江西", "province"),
    "Shandong": ("山东", "province"),
    "Henan": ("河南", "province"),
    "Hubei": ("湖北", "province"),
    "Hunan": ("湖南", "province"),
    "Guangdong": ("广东", "province"),
    "Guangxi": ("广西", "autonomous"),
    "Hainan": ("海南", "province"),
    "Sichuan": ("四川", "province"),
    "Guizhou": ("贵州", "province"),
    "Yunnan": ("云南", "province"),
    "Tibet": ("西藏", "autonomous"),
    "Shaanxi": ("陕西", "province"),
    "Gansu": ("甘肃", "province"),
    "Qinghai": ("青海", "province"),
    "Ningxia": ("宁夏", "autonomous"),
    "Xinjiang": ("新疆", "autonomous"),
    "Hong Kong": ("香港", "sar"),
    "Macau": ("澳门", "sar"),
}

# Universities and colleges named after a place: (English, 中文, kind).
ACADEMIC_TEMPLATES = [
    ("{p} University", "{z}大学", "university"),
    ("{p} Medical University", "{z}医科大学", "medical_university"),
    ("{p} Medical College", "{z}医学院", "medical_university"),
    ("{p} University of Science and Technology", "{z}科技大学", "university"),
    ("{p} University of Technology", "{z}理工大学", "university"),
    ("{p} Polytechnic University", "{z}工业大学", "university"),
    ("{p} Normal University", "{z}师范大学", "university"),
    ("{p} Jiaotong University", "{z}交通大学", "university"),
    ("{p} University of Traditional Chinese Medicine", "{z}中医药大学", "medical_university"),
    ("{p} Pharmaceutical University", "{z}药科大学", "medical_university"),
    ("{p} Institute of Technology", "{z}理工学院", "university"),
    ("{p} University of Electronic Science and Technology", "{z}电子科技大学", "university"),
    ("{p} Health Vocational College", "{z}卫生职业学院", "medical_university"),
]

RESEARCH_TEMPLATES = [
    ("{p} Academy of Medical Sciences", "{z}医学科学院", "academy"),
    ("{p} Institute of Biomedical Engineering", "{z}生物医学工程研究所", "research_institute"),
    ("{p} Institute of Advanced Technology", "{z}先进技术研究院", "research_institute"),
    ("{p} Institute of Materia Medica", "{z}药物研究所", "research_institute"),
    ("{p} Cancer Institute", "{z}肿瘤研究所", "research_institute"),
    ("{p} Laboratory", "{z}实验室", "research_institute"),
    ("{p} Institute of Medical Information", "{z}医学信息研究所", "research_institute"),
    ("{p} Center for Disease Control and Prevention", "{z}疾病预防控制中心", "research_institute"),
]

# Schools inside a university: (English, 中文) with {u} the university.
SCHOOL_TEMPLATES = [
    ("School of Medicine, {u}", "{uz}医学院"),
    ("School of Biomedical Engineering, {u}", "{uz}生物医学工程学院"),
    ("School of Public Health, {u}", "{uz}公共卫生学院"),
    ("School of Pharmacy, {u}", "{uz}药学院"),
    ("School of Nursing, {u}", "{uz}护理学院"),
    ("School of Medical Science and Engineering, {u}", "{uz}医学科学与工程学院"),
]

# Government bodies by the level of the place.
GOVERNMENT_TEMPLATES = {
    "city": [
        ("{p} Municipal Health Commission", "{z}市卫生健康委员会"),
        ("{p} Municipal Bureau of Science and Technology", "{z}市科学技术局"),
        ("{p} Municipal People's Government", "{z}市人民政府"),
        ("{p} Municipal Education Bureau", "{z}市教育局"),
    ],
    "province": [
        ("{p} Provincial Health Commission", "{z}省卫生健康委员会"),
        ("{p} Provincial Department of Education", "{z}省教育厅"),
        ("{p} Provincial Department of Science and Technology", "{z}省科学技术厅"),
    ],
    "autonomous": [
        ("{p} Autonomous Region Health Commission", "{z}自治区卫生健康委员会"),
        ("{p} Autonomous Region Department of Education", "{z}自治区教育厅"),
    ],
}

CITY_HOSPITAL_TEMPLATES = [
    ("{p} Central Hospital", "{z}市中心医院"),
    ("{p} Children's Hospital", "{z}儿童医院"),
    ("{p} Maternal and Child Health Hospital", "{z}妇幼保健院"),
    ("{p} Hospital of Traditional Chinese Medicine", "{z}中医医院"),
    ("{p} Cancer Hospital", "{z}肿瘤医院"),
    ("{p} Chest Hospital", "{z}胸科医院"),
    ("{p} Stomatological Hospital", "{z}口腔医院"),
    ("{p} Eye Hospital", "{z}眼科医院"),
    ("{p} Mental Health Center", "{z}精神卫生中心"),
    ("{p} Infectious Disease Hospital", "{z}传染病医院"),
    ("{p} Rehabilitation Hospital", "{z}康复医院"),
    ("{p} Orthopaedic Hospital", "{z}骨科医院"),
    ("{p} Cardiovascular Hospital", "{z}心血管病医院"),
    ("{p} Dermatology Hospital", "{z}皮肤病医院"),
    (
        "{p} Hospital of Integrated Traditional Chinese and Western Medicine",
        "{z}中西医结合医院",
    ),
]

PROVINCE_HOSPITAL_TEMPLATES = [
    ("{p} Provincial People's Hospital", "{z}省人民医院"),
    ("{p} Provincial Hospital of Traditional Chinese Medicine", "{z}省中医院"),
    ("{p} Provincial Cancer Hospital", "{z}省肿瘤医院"),
    ("{p} Provincial Children's Hospital", "{z}省儿童医院"),
    ("{p} Provincial Maternal and Child Health Hospital", "{z}省妇幼保健院"),
]

# Hospitals attached to a university: {u} is the university.
UNIVERSITY_HOSPITAL_TEMPLATES = [
    ("{u} General Hospital", "{uz}总医院"),
    ("{u} Cancer Hospital", "{uz}肿瘤医院"),
    ("{u} Stomatological Hospital", "{uz}口腔医院"),
    ("{u} Children's Hospital", "{uz}儿童医院"),
    ("{u} Eye Hospital", "{uz}眼科医院"),
]

COUNTY_HOSPITAL_TEMPLATES = [
    ("{c} County People's Hospital", "{cz}县人民医院"),
    ("{c} County Hospital of Traditional Chinese Medicine", "{cz}县中医医院"),
    ("{c} County Maternal and Child Health Hospital", "{cz}县妇幼保健院"),
]

ORDINALS = [
    ("First", "一"),
    ("Second", "二"),
    ("Third", "三"),
    ("Fourth", "四"),
    ("Fifth", "五"),
    ("Sixth", "六"),
    ("Seventh", "七"),
    ("Eighth", "八"),
    ("Ninth", "九"),
    ("Tenth", "十"),
]

# National bodies many signings mention: (English, 中文, acronym, kind, city).
NATIONAL_BODIES = [
    ("Chinese Academy of Medical Sciences", "中国医学科学院", "CAMS", "academy", "Beijing"),
    ("Chinese Academy of Sciences", "中国科学院", "CAS", "academy", "Beijing"),
    ("Chinese Academy of Engineering", "中国工程院", "CAE", "academy", "Beijing"),
    ("National Health Commission", "国家卫生健康委员会", "NHC", "government", "Beijing"),
    ("Ministry of Education", "教育部", "MOE", "government", "Beijing"),
    ("Chinese Medical Association", "中华医学会", "CMA", "other", "Beijing"),
    ("Chinese PLA General Hospital", "中国人民解放军总医院", "PLAGH", "hospital", "Beijing"),
    ("General Hospital of Northern Theater Command", "北部战区总医院", "", "hospital", "Shenyang"),
    ("General Hospital of Eastern Theater Command", "东部战区总医院", "", "hospital", "Nanjing"),
    ("General Hospital of Southern Theater Command", "南部战区总医院", "", "hospital", "Guangzhou"),
    ("General Hospital of Western Theater Command", "西部战区总医院", "", "hospital", "Chengdu"),
    ("General Hospital of Central Theater Command", "中部战区总医院", "", "hospital", "Wuhan"),
]

# Syllables for county names and venue names: (pinyin, 汉字).
PLACE_SYLLABLES = [
    ("feng", "丰"),
    ("ning", "宁"),
    ("an", "安"),
    ("ping", "平"),
    ("shan", "山"),
    ("yang", "阳"),
    ("cheng", "城"),
    ("xing", "兴"),
    ("tai", "泰"),
    ("kang", "康"),
    ("chang", "昌"),
    ("hua", "华"),
    ("jiang", "江"),
    ("lin", "林"),
    ("qing", "庆"),
    ("yuan", "源"),
    ("shou", "寿"),
    ("fu", "福"),
    ("hai", "海"),
    ("dong", "东"),
    ("nan", "南"),
    ("xi", "西"),
    ("bei", "北"),
    ("long", "隆"),
    ("de", "德"),
    ("jin", "金"),
    ("yong", "永"),
    ("le", "乐"),
    ("wu", "武"),
    ("tong", "通"),
    ("lu", "鹿"),
    ("song", "松"),
    ("bai", "白"),
    ("yun", "云"),
    ("shui", "水"),
    ("quan", "泉"),
    ("gu", "固"),
    ("he", "河"),
    ("ji", "吉"),
    ("xiang", "祥"),
    ("rui", "瑞"),
    ("mian", "绵"),
    ("gao", "高"),
    ("hong", "洪"),
    ("zhao", "昭"),
    ("ru", "汝"),
    ("xin", "新"),
    ("ou", "瓯"),
    ("en", "恩"),
    ("pu", "浦"),
    ("yi", "义"),
    ("zhou", "舟"),
    ("ling", "陵"),
    ("guang", "广"),
    ("tian", "天"),
    ("min", "闽"),
]

# Family names, most common first: (pinyin, 汉字).
FAMILY_NAMES = [
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Huang", "黄"),
    ("Zhao", "赵"),
    ("Wu", "吴"),
    ("Zhou", "周"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Ma", "马"),
    ("Zhu", "朱"),
    ("Hu", "胡"),
    ("Guo", "郭"),
    ("He", "何"),
    ("Lin", "林"),
    ("Gao", "高"),
    ("Luo", "罗"),
    ("Zheng", "郑"),
    ("Liang", "梁"),
    ("Xie", "谢"),
    ("Song", "宋"),
    ("Tang", "唐"),
    ("Han", "韩"),
    ("Feng", "冯"),
    ("Deng", "邓"),
    ("Cao", "曹"),
    ("Peng", "彭"),
    ("Zeng", "曾"),
    ("Xiao", "肖"),
    ("Tian", "田"),
    ("Dong", "董"),
    ("Pan", "潘"),
    ("Yuan", "袁"),
    ("Cai", "蔡"),
    ("Jiang", "蒋"),
    ("Yu", "余"),
    ("Du", "杜"),
    ("Ye", "叶"),
    ("Cheng", "程"),
    ("Wei", "魏"),
    ("Su", "苏"),
    ("Lyu", "吕"),
    ("Ding", "丁"),
    ("Ren", "任"),
    ("Lu", "卢"),
    ("Yao", "姚"),
    ("Shen", "沈"),
    ("Zhong", "钟"),
    ("Jiang", "姜"),
    ("Cui", "崔"),
    ("Tan", "谭"),
    ("Lu", "陆"),
    ("Fan", "范"),
    ("Wang", "汪"),
    ("Liao", "廖"),
    ("Shi", "石"),
    ("Jin", "金"),
    ("Jia", "贾"),
    ("Xia", "夏"),
    ("Fu", "付"),
    ("Fang", "方"),
    ("Zou", "邹"),
    ("Xiong", "熊"),
    ("Bai", "白"),
    ("Meng", "孟"),
    ("Qin", "秦"),
    ("Qiu", "邱"),
    ("Hou", "侯"),
    ("Yin", "尹"),
    ("Xue", "薛"),
    ("Yan", "闫"),
    ("Duan", "段"),
    ("Lei", "雷"),
    ("Long", "龙"),
    ("Tao", "陶"),
    ("Mao", "毛"),
    ("Hao", "郝"),
    ("Gu", "顾"),
    ("Gong", "龚"),
    ("Shao", "邵"),
    ("Wan", "万"),
    ("Qian", "钱"),
    ("Dai", "戴"),
    ("Ouyang", "欧阳"),
    ("Sima", "司马"),
    ("Zhuge", "诸葛"),
]

GIVEN_SYLLABLES = [
    ("wei", "伟"),
    ("fang", "芳"),
    ("min", "敏"),
    ("jing", "静"),
    ("li", "丽"),
    ("qiang", "强"),
    ("lei", "磊"),
    ("jun", "军"),
    ("yang", "洋"),
    ("yong", "勇"),
    ("yan", "艳"),
    ("jie", "杰"),
    ("tao", "涛"),
    ("ming", "明"),
    ("chao", "超"),
    ("xiu", "秀"),
    ("xia", "霞"),
    ("ping", "平"),
    ("gang", "刚"),
    ("hua", "华"),
    ("hui", "辉"),
    ("bo", "波"),
    ("ning", "宁"),
    ("long", "龙"),
    ("gui", "贵"),
    ("hong", "红"),
    ("xin", "新"),
    ("zhi", "志"),
    ("guo", "国"),
    ("jian", "建"),
    ("wen", "文"),
    ("hai", "海"),
    ("dong", "东"),
    ("feng", "峰"),
    ("lin", "林"),
    ("yu", "宇"),
    ("hao", "浩"),
    ("kai", "凯"),
    ("peng", "鹏"),
    ("rui", "瑞"),
    ("xue", "雪"),
    ("mei", "梅"),
    ("lan", "兰"),
    ("qing", "清"),
    ("cheng", "成"),
    ("sheng", "胜"),
    ("de", "德"),
    ("an", "安"),
    ("kang", "康"),
    ("zhen", "振"),
    ("liang", "亮"),
    ("xiang", "翔"),
    ("yi", "毅"),
    ("ying", "英"),
    ("bin", "斌"),
    ("jia", "佳"),
    ("shu", "淑"),
    ("yun", "云"),
    ("xiao", "晓"),
    ("chun", "春"),
    ("qiu", "秋"),
    ("zhong", "忠"),
    ("guang", "光"),
    ("tian", "天"),
    ("song", "松"),
    ("zi", "子"),
    ("han", "涵"),
    ("yue", "悦"),
    ("xuan", "轩"),
    ("ze", "泽"),
    ("ran", "然"),
    ("shan", "山"),
    ("fei", "飞"),
    ("wu", "武"),
    ("ou", "鸥"),
    ("en", "恩"),
]

# Hong Kong style names, written given name first (Nancy Ip).
CANTONESE_FAMILY_NAMES = [
    ("Ip", "叶"),
    ("Chan", "陈"),
    ("Wong", "黄"),
    ("Leung", "梁"),
    ("Cheung", "张"),
    ("Lau", "刘"),
    ("Ho", "何"),
    ("Lee", "李"),
    ("Tsang", "曾"),
    ("Yeung", "杨"),
    ("Ng", "吴"),
    ("Lam", "林"),
    ("Kwok", "郭"),
    ("Chow", "周"),
]
ENGLISH_GIVEN_NAMES = [
    "Nancy",
    "David",
    "Michael",
    "Grace",
    "Peter",
    "Rebecca",
    "Raymond",
    "Vivian",
    "Kenneth",
    "Joyce",
    "Anthony",
    "Irene",
    "Stephen",
    "Winnie",
    "Patrick",
    "Karen",
    "Albert",
    "Cecilia",
    "Francis",
    "Eric",
    "Alice",
    "Henry",
    "Teresa",
    "Vincent",
]

HONORIFICS = [("", 70), ("Prof.", 18), ("Dr.", 6), ("Academician", 4), ("Prof. Dr.", 2)]

# Titles by institution kind; the first two are the institution's leaders.
POSITION_TITLES = {
    "university": [
        "President",
        "Party Secretary",
        "Vice President",
        "Executive Vice President",
        "Deputy Party Secretary",
        "Dean of the School of Medicine",
        "Dean of the School of Biomedical Engineering",
        "Director of the Office of Scientific Research",
        "Director of the International Cooperation Office",
        "Professor",
    ],
    "medical_university": [
        "President",
        "Party Secretary",
        "Vice President",
        "Deputy Party Secretary",
        "Dean of the School of Clinical Medicine",
        "Dean of the Graduate School",
        "Director of the Office of Academic Affairs",
        "Professor",
    ],
    "hospital": [
        "President",
        "Party Secretary",
        "Vice President",
        "Deputy Party Secretary",
        "Director of the Department of Cardiology",
        "Director of the Department of Oncology",
        "Director of the Department of Radiology",
        "Director of the Medical Affairs Department",
        "Head of the Clinical Research Center",
        "Chief Physician",
    ],
    "research_institute": [
        "Director",
        "Party Secretary",
        "Deputy Director",
        "Chief Scientist",
        "Principal Investigator",
    ],
    "academy": [
        "President",
        "Party Secretary",
        "Vice President",
        "Academician",
        "Director of the Department of Medical Sciences",
    ],
    "school": ["Dean", "Party Secretary", "Vice Dean", "Professor"],
    "government": [
        "Director",
        "Party Secretary",
        "Deputy Director",
        "Head of the Science and Education Division",
        "Inspector",
    ],
    "other": ["President", "Secretary-General", "Vice President", "Member of the Standing Council"],
}
LEADER_TITLES = {
    "President",
    "Party Secretary",
    "Vice President",
    "Executive Vice President",
    "Director",
    "Deputy Director",
    "Dean",
}

# Fifteen top-level fields with nine sub-fields each: 150 focus areas.
FOCUS_AREAS = [
    (
        "Medical education",
        [
            "Undergraduate medical education",
            "Graduate medical education",
            "Residency training",
            "Continuing medical education",
            "Nursing education",
            "Clinical teaching",
            "Simulation-based training",
            "Medical curriculum reform",
            "Joint medical classes",
        ],
    ),
    (
        "Talent cultivation",
        [
            "Joint doctoral training",
            "Postdoctoral programmes",
            "Young investigator programmes",
            "Faculty exchange",
            "Student exchange",
            "Interdisciplinary talent",
            "Clinician-scientist training",
            "International talent programmes",
            "Physician-engineer training",
        ],
    ),
    (
        "Medicine–engineering integration",
        [
            "Medical robotics",
            "Surgical navigation",
            "Rehabilitation engineering",
            "Biomechanics",
            "Medical sensors",
            "Wearable health devices",
            "Micro- and nano-medicine",
            "Bioinformatics",
            "Computational medicine",
        ],
    ),
    (
        "MedTech innovation",
        [
            "Medical device development",
            "In vitro diagnostics",
            "Minimally invasive technology",
            "3D printing in medicine",
            "Interventional devices",
            "Point-of-care testing",
            "Implantable devices",
            "Medical optics",
            "High-end medical equipment",
        ],
    ),
    (
        "Knowledge transfer",
        [
            "Technology transfer",
            "Patent licensing",
            "Clinical translation",
            "Start-up incubation",
            "Industry partnerships",
            "Innovation platforms",
            "Proof-of-concept funding",
            "Regulatory science",
            "Achievement transformation",
        ],
    ),
    (
        "Medical imaging",
        [
            "Radiology",
            "Nuclear medicine",
            "Ultrasound imaging",
            "Molecular imaging",
            "Magnetic resonance imaging",
            "Computed tomography",
            "Optical imaging",
            "Image-guided therapy",
            "Medical image analysis",
        ],
    ),
    (
        "Medical informatization",
        [
            "Hospital information systems",
            "Electronic health records",
            "Telemedicine",
            "Internet hospitals",
            "Health big data",
            "Medical data security",
            "Regional health information platforms",
            "Mobile health",
            "Smart hospitals",
        ],
    ),
    (
        "Intelligent medicine",
        [
            "Medical AI",
            "AI-assisted diagnosis",
            "Clinical decision support",
            "Medical natural language processing",
            "AI drug discovery",
            "Computational pathology",
            "Predictive analytics",
            "Medical knowledge graphs",
            "Large language models in medicine",
        ],
    ),
    (
        "Medical humanities",
        [
            "Medical ethics",
            "Health law",
            "History of medicine",
            "Narrative medicine",
            "Health communication",
            "Medical sociology",
            "Doctor–patient communication",
            "Health economics",
            "Hospital management",
        ],
    ),
    (
        "Biomedical engineering",
        [
            "Biomaterials",
            "Tissue engineering",
            "Neural engineering",
            "Biomedical signal processing",
            "Medical ultrasound engineering",
            "Artificial organs",
            "Biomedical photonics",
            "Cardiovascular devices",
            "Brain–computer interfaces",
        ],
    ),
    (
        "Clinical research",
        [
            "Clinical trials",
            "Evidence-based medicine",
            "Multicentre cohort studies",
            "Real-world evidence",
            "Clinical epidemiology",
            "Biobanking",
            "Rare diseases",
            "Investigator-initiated trials",
            "Clinical research methodology",
        ],
    ),
    (
        "Precision medicine",
        [
            "Genomic medicine",
            "Cancer genomics",
            "Pharmacogenomics",
            "Molecular diagnostics",
            "Liquid biopsy",
            "Gene therapy",
            "Cell therapy",
            "Immunotherapy",
            "Proteomics",
        ],
    ),
    (
        "Public health",
        [
            "Epidemiology",
            "Infectious disease control",
            "Health policy",
            "Chronic disease management",
            "Health promotion",
            "Occupational health",
            "Environmental health",
            "Maternal and child health",
            "Global health",
        ],
    ),
    (
        "Pharmaceutical sciences",
        [
            "Drug discovery",
            "Pharmacology",
            "Clinical pharmacy",
            "Drug delivery",
            "Biopharmaceuticals",
            "Medicinal chemistry",
            "Pharmaceutical analysis",
            "Vaccine development",
            "Pharmacovigilance",
        ],
    ),
    (
        "Traditional Chinese medicine",
        [
            "Integrated Chinese and Western medicine",
            "Acupuncture",
            "Chinese materia medica",
            "TCM diagnostics",
            "TCM modernisation",
            "Tuina and rehabilitation",
            "Ethnomedicine",
            "TCM pharmacology",
            "Herbal medicine standardisation",
        ],
    ),
]

VENUE_TYPES = [
    "Conference Center",
    "International Conference Hall",
    "Academic Exchange Center",
    "Administration Building",
    "Science Hall",
    "Library Lecture Hall",
    "Medical Building",
    "Auditorium",
    "Hall",
]

PUBLISHERS = [
    "{a} News Center",
    "{a} News Network",
    "Xinhua",
    "China Daily",
    "People's Daily Online",
    "{city} Daily",
    "Health News",
    "China Science Daily",
]

DIRECTIONS = ["Northern", "Southern", "Eastern", "Western", "Central", "Northeast", "Northwest"]


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------

START_YEAR, END_YEAR = 1996, 2025  # thirty years of signings
BATCH_SIZE = 5000

KIND_WEIGHTS = [
    ("strategic_cooperation", 40),
    ("cooperation", 25),
    ("co_establishment", 14),
    ("memorandum", 15),
    ("other", 6),
]
KIND_SLUGS = {
    "strategic_cooperation": "strategic-cooperation",
    "cooperation": "cooperation",
    "co_establishment": "co-establishment",
    "memorandum": "mou",
    "other": "agreement",
}
OTHER_TITLES = [
    "Framework agreement",
    "Joint training agreement",
    "Clinical teaching base agreement",
    "Research collaboration agreement",
]
PARTY_COUNT_WEIGHTS = [(2, 80), (3, 15), (4, 5)]
# Participations per agreement, 2 to 15 (mean about 6).
PARTICIPANT_WEIGHTS = list(
    zip(range(2, 16), [10, 14, 15, 13, 11, 9, 7, 5, 4, 3, 3, 2, 2, 2], strict=True)
)
EXTRA_ROLE_WEIGHTS = [
    ("presided", 10),
    ("spoke", 22),
    ("witnessed", 14),
    ("unveiled", 8),
    ("attended", 46),
]
FOCUS_COUNT_WEIGHTS = [(1, 35), (2, 35), (3, 20), (4, 10)]
TERMS = [12, 24, 36, 36, 36, 60, 60, 120]
SMALL_WORDS = {"of", "and", "the", "for", "in", "on", "to"}
ACRONYM_RATE = {
    "university": 0.8,
    "medical_university": 0.8,
    "academy": 0.7,
    "research_institute": 0.5,
    "school": 0.2,
    "hospital": 0.35,
    "government": 0.2,
    "other": 0.5,
}
SYNTHETIC_NOTE = "Synthetic record made by generate_directory (seed {seed}); not a real document."


class Picker:
    """Weighted choice by bisecting cumulative weights: fast and reproducible."""

    def __init__(self, rng, items, weights):
        self.rng = rng
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    @classmethod
    def of(cls, rng, pairs):
        return cls(rng, [item for item, _ in pairs], [weight for _, weight in pairs])

    def __call__(self):
        index = bisect(self.cumulative, self.rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


def zipf_weights(count, hubs=0, hub_share=0.0, exponent=0.85, offset=8):
    """A long tail, with ``hubs`` leading items sharing ``hub_share`` of all picks."""
    tail = [1.0 / (rank + offset) ** exponent for rank in range(count - hubs)]
    if not hubs:
        return tail
    hub_weight = hub_share * sum(tail) / (1.0 - hub_share) / hubs if tail else 1.0
    return [hub_weight] * hubs + tail


def make_slug(text):
    return slugify(text.replace("–", " ").replace("—", " ").replace("'", ""))


class SlugRegistry:
    """Unique slugs within one model: ``wang-wei``, ``wang-wei-2``, …"""

    def __init__(self, max_length, existing=()):
        self.max_length = max_length
        self.used = set(existing)
        self.next_suffix = {}

    def take(self, text):
        base = make_slug(text)[: self.max_length].strip("-") or "record"
        slug = base
        suffix = self.next_suffix.get(base, 1)
        while slug in self.used:
            suffix += 1
            tail = f"-{suffix}"
            slug = base[: self.max_length - len(tail)].rstrip("-") + tail
        self.next_suffix[base] = suffix
        self.used.add(slug)
        return slug


def acronym(name):
    words = name.replace(",", " ").replace("'", "").replace("–", " ").split()
    return "".join(word[0].upper() for word in words if word.lower() not in SMALL_WORDS)


def lower_first(text):
    """ "Medical imaging" → "medical imaging", but "MedTech innovation" and "TCM" stay."""
    first = text.split(" ", 1)[0]
    if first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def title_case(text):
    words = text.split(" ")
    return " ".join(
        word if (index and word in SMALL_WORDS) or not word[1:].islower() else word.capitalize()
        for index, word in enumerate(words)
    )


def join_names(names):
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(slots=True)
class Place:
    name: str
    zh: str
    city: str
    region: str
    level: str  # city, municipality, province, autonomous, sar


@dataclass(slots=True, eq=False)
class Inst:
    name: str
    zh: str
    kind: str
    city: str
    region: str
    tier: int = 1  # 0 for the prominent ones that partnerships cluster around
    acronym: str = ""
    parent: "Inst | None" = None
    relation: str = ""
    pk: int | None = None
    index: int = -1


@dataclass
class Summary:
    institutions: int = 0
    institution_names: int = 0
    institution_relations: int = 0
    people: int = 0
    positions: int = 0
    focus_areas: int = 0
    sources: int = 0
    source_credits: int = 0
    agreements: int = 0
    published: int = 0
    parties: int = 0
    participations: int = 0
    focus_links: int = 0
    established_bodies: int = 0
    hubs: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)


class RowWriter:
    """Inserts rows given as tuples: COPY on PostgreSQL, ``bulk_create`` elsewhere.

    Django's ``bulk_create`` spends about 100 µs per row compiling and adapting; COPY
    takes a few. On PostgreSQL ids are reserved from the table's sequence first, so
    the caller gets them back just as ``bulk_create`` would return them. Columns the
    caller leaves out get the field's default.
    """

    def __init__(self, batch_size=BATCH_SIZE):
        self.batch_size = batch_size
        self.use_copy = connection.vendor == "postgresql"

    def insert(self, model, fields, rows, return_ids=False):
        if not rows:
            return []
        if not self.use_copy:
            objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
            model.objects.bulk_create(objects, batch_size=self.batch_size)
            return [obj.pk for obj in objects] if return_ids else None
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in fields]
        tail = tuple(f.get_default() for f in rest)
        columns = [by_attname[name].column for name in fields] + [f.column for f in rest]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            ids = None
            if return_ids:
                columns.insert(0, meta.pk.column)
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                ids = sorted(row[0] for row in cursor.fetchall())
            statement = (
                f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            )
            with cursor.cursor.copy(statement) as copy:
                if ids is None:
                    for row in rows:
                        copy.write_row(row + tail)
                else:
                    for pk, row in zip(ids, rows, strict=True):
                        copy.write_row((pk, *row, *tail))
        return ids


class DirectoryGenerator:
    """Builds the synthetic directory; call :meth:`run` inside a transaction."""

    def __init__(self, agreements, seed=42, batch_size=BATCH_SIZE, log=None):
        if agreements < 1:
            raise ValueError("Generate at least one agreement.")
        self.agreement_count = agreements
        self.seed = seed
        self.batch_size = batch_size
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.summary = Summary()
        self.note = SYNTHETIC_NOTE.format(seed=seed)
        self.writer = RowWriter(batch_size)
        self.institution_slugs = SlugRegistry(
            120, Institution.objects.values_list("slug", flat=True)
        )
        self.person_slugs = SlugRegistry(120, Person.objects.values_list("slug", flat=True))
        self.agreement_slugs = SlugRegistry(160, Agreement.objects.values_list("slug", flat=True))
        self.source_slugs = SlugRegistry(120, Source.objects.values_list("slug", flat=True))
        self.focus_slugs = SlugRegistry(120, FocusArea.objects.values_list("slug", flat=True))

    # -- the whole run ---------------------------------------------------------------

    def run(self, refresh=True):
        steps = [
            ("focus areas", self.make_focus_areas),
            ("institutions", self.make_institutions),
            ("people", self.make_people),
            ("agreements", self.make_agreements),
        ]
        if refresh:
            steps.append(("search documents", self.refresh_search_documents))
        with self.timed("indexes and constraints dropped"):
            restore = suspend_indexes_and_constraints(GENERATED_MODELS)
        for label, step in steps:
            with self.timed(label):
                step()
        with self.timed("indexes and constraints rebuilt"):
            restore()
        return self.summary

    @contextmanager
    def timed(self, label):
        started = time.perf_counter()
        yield
        self.summary.timings[label] = time.perf_counter() - started
        self.log(f"  {label}: {self.summary.timings[label]:.1f} s")

    def refresh_search_documents(self):
        if connection.vendor == "postgresql":
            # The correlated subqueries need statistics on the tables just filled, or
            # the planner scans whole link tables per row (minutes instead of seconds).
            # (The search GIN indexes are rebuilt afterwards, not updated row by row.)
            with connection.cursor() as cursor:
                for model in GENERATED_MODELS:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                cursor.execute("SET LOCAL work_mem = '256MB'")
        search_documents.refresh_all()

    # -- focus areas -----------------------------------------------------------------

    def make_focus_areas(self):
        existing = {area.name: area for area in FocusArea.objects.all()}
        tops = []
        for name, _ in FOCUS_AREAS:
            area = existing.get(name) or FocusArea(name=name, slug=self.focus_slugs.take(name))
            tops.append(area)
        FocusArea.objects.bulk_create([area for area in tops if area.pk is None])
        groups = []
        children = []
        for top, (_, child_names) in zip(tops, FOCUS_AREAS, strict=True):
            parent = top if top.parent_id is None else None
            group = []
            for name in child_names:
                area = existing.get(name) or FocusArea(
                    name=name, slug=self.focus_slugs.take(name), parent=parent
                )
                if area.pk is None:
                    children.append(area)
                group.append(area)
            groups.append((top, group))
        FocusArea.objects.bulk_create(children)
        self.summary.focus_areas = sum(area.pk is not None for area in tops) + len(children)
        self.focus_groups = groups
        # Some fields are far more common than others.
        self.focus_group_picker = Picker(self.rng, range(len(groups)), zipf_weights(len(groups)))
        self.focus_child_weights = zipf_weights(9, offset=2)

    def pick_focus_areas(self):
        rng = self.rng
        count = self.focus_count_picker()
        group_index = self.focus_group_picker()
        chosen = []
        for attempt in range(count * 3):
            if len(chosen) == count:
                break
            if attempt and rng.random() < 0.3:
                group_index = self.focus_group_picker()
            top, children = self.focus_groups[group_index]
            if rng.random() < 0.2:
                area = top
            else:
                area = rng.choices(children, weights=self.focus_child_weights[: len(children)])[0]
            if area not in chosen:
                chosen.append(area)
        return chosen

    # -- institutions ----------------------------------------------------------------

    def places(self):
        capitals = {}
        for city, _, region in CITIES:
            capitals.setdefault(region, city)
        places = []
        for city, zh, region in CITIES:
            level = REGIONS[region][1]
            places.append(Place(city, zh, city, region, "sar" if level == "sar" else "city"))
        for region, (zh, level) in REGIONS.items():
            if level in ("province", "autonomous"):
                places.append(Place(region, zh, capitals[region], region, level))
        return places

    def make_institutions(self):
        rng = self.rng
        total = max(10, round(self.agreement_count / 5))
        places = self.places()
        city_places = [place for place in places if place.level == "city"]
        cities_by_region = {}
        for place in city_places:
            cities_by_region.setdefault(place.region, []).append(place.city)

        national = [
            Inst(name, zh, kind, city, REGIONS_BY_CITY[city], tier=1, acronym=abbreviation)
            for name, zh, abbreviation, kind, city in NATIONAL_BODIES[: total // 50]
        ]

        academic_pool = []
        for place in places:
            for index, (en, zh, kind) in enumerate(ACADEMIC_TEMPLATES):
                prominent = index < 4 and (
                    place.level in ("province", "autonomous")
                    or REGIONS[place.region][1] == "municipality"
                )
                academic_pool.append(
                    Inst(
                        en.format(p=place.name),
                        zh.format(z=place.zh),
                        kind,
                        place.city,
                        place.region,
                        tier=0 if prominent else 1,
                    )
                )
        rng.shuffle(academic_pool)
        academic_pool.sort(key=lambda inst: inst.tier)
        academic = academic_pool[: max(2, min(len(academic_pool), round(total * 0.28)))]

        research_pool = [
            Inst(en.format(p=place.name), zh.format(z=place.zh), kind, place.city, place.region)
            for place in places
            if place.level != "sar"
            for en, zh, kind in RESEARCH_TEMPLATES
        ]
        rng.shuffle(research_pool)
        research = research_pool[: min(len(research_pool), round(total * 0.06))]

        universities = [inst for inst in academic if inst.kind == "university"]
        school_pool = [
            Inst(
                en.format(u=university.name),
                zh.format(uz=university.zh),
                "school",
                university.city,
                university.region,
                parent=university,
                relation="part_of",
            )
            for university in universities
            for en, zh in SCHOOL_TEMPLATES
        ]
        rng.shuffle(school_pool)
        schools = school_pool[: min(len(school_pool), round(total * 0.04))]

        government_pool = [
            Inst(
                en.format(p=place.name),
                zh.format(z=place.zh),
                "government",
                place.city,
                place.region,
            )
            for place in places
            if place.level in GOVERNMENT_TEMPLATES
            for en, zh in GOVERNMENT_TEMPLATES[place.level]
        ]
        rng.shuffle(government_pool)
        government = government_pool[: min(len(government_pool), round(total * 0.02))]

        hospital_count = total - len(national) - len(academic) - len(research) - len(schools)
        hospital_count -= len(government)
        hospitals = self.hospitals(hospital_count, academic, places, cities_by_region)

        self.academic = sorted(
            [inst for inst in national if inst.kind == "academy"] + academic, key=lambda i: i.tier
        )
        self.academic += research + schools
        self.hospital_list = [inst for inst in national if inst.kind == "hospital"] + hospitals
        self.hospital_list.sort(key=lambda inst: inst.tier)
        self.others = [inst for inst in national if inst.kind in ("government", "other")]
        self.others += government

        institutions = national + academic + research + schools + government + hospitals
        used_names = set(Institution.objects.values_list("name", flat=True))
        for index, inst in enumerate(institutions):
            branch = 1
            name = inst.name
            while name in used_names:
                branch += 1
                name = f"{inst.name} (Branch {branch})"
            inst.name = name
            used_names.add(name)
            inst.index = index
            if not inst.acronym and rng.random() < ACRONYM_RATE[inst.kind]:
                inst.acronym = self.abbreviate(inst)
        self.institutions = institutions

        ids = self.writer.insert(
            Institution,
            ("slug", "name", "kind", "city", "region", "country"),
            [
                (self.institution_slugs.take(i.name), i.name, i.kind, i.city, i.region, "China")
                for i in institutions
            ],
            return_ids=True,
        )
        for inst, pk in zip(institutions, ids, strict=True):
            inst.pk = pk

        names = []
        relations = []
        for inst in institutions:
            if inst.acronym:
                names.append((inst.pk, inst.acronym, "acronym", ""))
            if rng.random() < 0.9:
                names.append((inst.pk, inst.zh, "label", "zh-Hans"))
            if inst.parent is not None:
                relations.append((inst.pk, inst.relation, inst.parent.pk))
        self.writer.insert(
            InstitutionName, ("institution_id", "name", "name_type", "language"), names
        )
        self.writer.insert(
            InstitutionRelation, ("subject_id", "relation_type", "object_id"), relations
        )

        # Who partners with whom: a few hubs, then a long tail.
        hub_count = max(1, min(4, len(self.academic) // 50))
        self.academic_picker = Picker(
            rng, self.academic, zipf_weights(len(self.academic), hub_count, 0.10)
        )
        hospital_hubs = max(1, min(4, len(self.hospital_list) // 50))
        self.hospital_picker = Picker(
            rng, self.hospital_list, zipf_weights(len(self.hospital_list), hospital_hubs, 0.10)
        )
        others = self.others or self.hospital_list
        self.other_picker = Picker(rng, others, zipf_weights(len(others)))
        self.summary.hubs = [inst.name for inst in self.academic[:hub_count]]
        self.summary.hubs += [inst.name for inst in self.hospital_list[:hospital_hubs]]
        self.summary.institutions = len(institutions)
        self.summary.institution_names = len(names)
        self.summary.institution_relations = len(relations)

    def abbreviate(self, inst):
        if inst.parent is not None and inst.name.startswith("The "):
            # "The First Affiliated Hospital of Tianjin Medical University" → FAHTMU
            return acronym(inst.name.split(" of ", 1)[0]) + acronym(inst.parent.name)
        return acronym(inst.name)

    def hospitals(self, count, academic, places, cities_by_region):
        rng = self.rng
        pool = []
        for university in academic:
            if university.kind not in ("university", "medical_university"):
                continue
            medical = university.kind == "medical_university"
            affiliated = rng.randint(2, 8) if medical else rng.choice([0, 0, 1, 1, 2, 3])
            for number, (ordinal, ordinal_zh) in enumerate(ORDINALS[:affiliated]):
                pool.append(
                    Inst(
                        f"The {ordinal} Affiliated Hospital of {university.name}",
                        f"{university.zh}第{ordinal_zh}附属医院",
                        "hospital",
                        university.city,
                        university.region,
                        tier=0 if number < 2 and university.tier == 0 else 1,
                        parent=university,
                        relation="affiliated_with",
                    )
                )
            for en, zh in rng.sample(UNIVERSITY_HOSPITAL_TEMPLATES, rng.randint(0, 2)):
                pool.append(
                    Inst(
                        en.format(u=university.name),
                        zh.format(uz=university.zh),
                        "hospital",
                        university.city,
                        university.region,
                        tier=0 if en.startswith("{u} General") else 1,
                        parent=university,
                        relation="affiliated_with",
                    )
                )
        for place in places:
            if place.level == "city":
                for ordinal, ordinal_zh in ORDINALS[:6]:
                    pool.append(
                        Inst(
                            f"{place.name} {ordinal} People's Hospital",
                            f"{place.zh}市第{ordinal_zh}人民医院",
                            "hospital",
                            place.city,
                            place.region,
                            tier=2,
                        )
                    )
                for en, zh in CITY_HOSPITAL_TEMPLATES:
                    pool.append(
                        Inst(
                            en.format(p=place.name),
                            zh.format(z=place.zh),
                            "hospital",
                            place.city,
                            place.region,
                            tier=2,
                        )
                    )
            elif place.level in ("province", "autonomous"):
                for index, (en, zh) in enumerate(PROVINCE_HOSPITAL_TEMPLATES):
                    if place.level == "autonomous":
                        en = en.replace("Provincial", "Autonomous Region")
                        zh = zh.replace("省", "自治区")
                    pool.append(
                        Inst(
                            en.format(p=place.name),
                            zh.format(z=place.zh),
                            "hospital",
                            place.city,
                            place.region,
                            tier=0 if index == 0 else 1,
                        )
                    )
        rng.shuffle(pool)
        pool.sort(key=lambda inst: inst.tier)
        hospitals = pool[:count]
        # County hospitals: as many as needed, on made-up county names.
        provinces = [place for place in places if place.level in ("province", "autonomous")]
        counties = set()
        while len(hospitals) < count:
            syllables = rng.sample(PLACE_SYLLABLES, 2 if rng.random() < 0.85 else 3)
            county = syllables[0][0].capitalize()
            for syllable, _ in syllables[1:]:
                county += ("'" if syllable[0] in "aeo" else "") + syllable
            county_zh = "".join(char for _, char in syllables)
            if county in counties:
                continue
            counties.add(county)
            province = rng.choice(provinces)
            city = rng.choice(cities_by_region[province.region])
            for en, zh in COUNTY_HOSPITAL_TEMPLATES[: rng.randint(1, 3)]:
                if len(hospitals) < count:
                    hospitals.append(
                        Inst(
                            en.format(c=county),
                            zh.format(cz=county_zh),
                            "hospital",
                            city,
                            province.region,
                            tier=3,
                        )
                    )
        return hospitals

    # -- people ----------------------------------------------------------------------

    def person_name(self):
        """(family, given, order, native name)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            family, family_zh = rng.choice(CANTONESE_FAMILY_NAMES)
            return family, rng.choice(ENGLISH_GIVEN_NAMES), "given_first", ""
        family, family_zh = self.family_picker()
        syllables = rng.sample(GIVEN_SYLLABLES, 1 if rng.random() < 0.3 else 2)
        given = syllables[0][0].capitalize()
        for syllable, _ in syllables[1:]:
            given += ("'" if syllable[0] in "aeo" else "") + syllable
        native = family_zh + "".join(char for _, char in syllables) if rng.random() < 0.6 else ""
        order = "given_first" if roll < 0.08 else "family_first"
        return family, given, order, native

    def random_date(self):
        year = self.year_picker()
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def make_people(self):
        rng = self.rng
        self.family_picker = Picker(
            rng, FAMILY_NAMES, zipf_weights(len(FAMILY_NAMES), exponent=1.0, offset=3)
        )
        self.honorific_picker = Picker.of(rng, HONORIFICS)
        years = range(START_YEAR, END_YEAR + 1)
        self.year_picker = Picker(rng, years, [year - START_YEAR + 4 for year in years])
        total = max(10, round(self.agreement_count / 2))
        people = []
        for _ in range(total):
            family, given, order, native = self.person_name()
            display = f"{given} {family}" if order == "given_first" else f"{family} {given}"
            slug = self.person_slugs.take(display)
            people.append((slug, family, given, order, native, self.honorific_picker()))
        people = self.writer.insert(
            Person,
            ("slug", "family_name", "given_name", "name_order", "native_name", "honorifics"),
            people,
            return_ids=True,
        )

        # Every institution has someone; the rest cluster where the partnerships are.
        institutions = self.institutions
        staffed = [0] * len(institutions)
        positions = []
        owners = []  # (institution index, is leader) per position
        for number, person_id in enumerate(people):
            if number < len(institutions):
                inst = institutions[number]
            else:
                roll = rng.random()
                if roll < 0.5:
                    inst = self.academic_picker()
                elif roll < 0.9:
                    inst = self.hospital_picker()
                else:
                    inst = self.other_picker()
            titles = POSITION_TITLES[inst.kind]
            rank = staffed[inst.index]
            staffed[inst.index] += 1
            title = titles[rank] if rank < 2 else rng.choice(titles[2:])
            as_of, precision = self.position_date()
            positions.append((person_id, inst.pk, title, as_of, precision))
            owners.append((inst.index, title in LEADER_TITLES))
            if rng.random() < 0.2:
                other = self.other_picker() if rng.random() < 0.5 else self.academic_picker()
                if other is not inst:
                    as_of, precision = self.position_date()
                    title = SECOND_TITLES.get(other.kind, "Adjunct Professor")
                    positions.append((person_id, other.pk, title, as_of, precision))
                    owners.append((other.index, False))
        position_ids = self.writer.insert(
            Position,
            ("person_id", "institution_id", "title", "as_of", "as_of_precision"),
            positions,
            return_ids=True,
        )
        self.staff = [[] for _ in institutions]
        self.leaders = [[] for _ in institutions]
        for position, pk, (index, leader) in zip(positions, position_ids, owners, strict=True):
            entry = (position[0], pk)
            self.staff[index].append(entry)
            if leader:
                self.leaders[index].append(entry)
        self.summary.people = total
        self.summary.positions = len(positions)

    def position_date(self):
        roll = self.rng.random()
        if roll < 0.5:
            return None, "unknown"
        if roll < 0.85:
            return dt.date(self.year_picker(), 1, 1), "year"
        return self.random_date(), "day"

    # -- agreements ------------------------------------------------------------------

    def make_agreements(self):
        rng = self.rng
        self.kind_picker = Picker.of(rng, KIND_WEIGHTS)
        self.party_count_picker = Picker.of(rng, PARTY_COUNT_WEIGHTS)
        self.participant_count_picker = Picker.of(rng, PARTICIPANT_WEIGHTS)
        self.extra_role_picker = Picker.of(rng, EXTRA_ROLE_WEIGHTS)
        self.focus_count_picker = Picker.of(rng, FOCUS_COUNT_WEIGHTS)
        self.kind_labels = dict(AgreementKind.choices)
        for start in range(0, self.agreement_count, self.batch_size):
            stop = min(self.agreement_count, start + self.batch_size)
            self.make_agreement_batch(stop - start)
            if stop % (self.batch_size * 4) == 0 or stop == self.agreement_count:
                self.log(f"    {stop:,} agreements")

    def make_agreement_batch(self, count):
        write = self.writer.insert
        specs = [self.agreement_spec() for _ in range(count)]
        source_ids = write(Source, SOURCE_FIELDS, [spec["source"] for spec in specs], True)
        agreement_ids = write(
            Agreement, AGREEMENT_FIELDS, [spec["agreement"] for spec in specs], True
        )

        credits, parties, participations, focus_links, source_links, bodies = [], [], [], [], [], []
        for aid, sid, spec in zip(agreement_ids, source_ids, specs, strict=True):
            for order, (name, role) in enumerate(spec["credits"]):
                credits.append((sid, name, role, order))
            for order, inst in enumerate(spec["parties"]):
                parties.append((aid, inst.pk, order, sid))
            for order, (person, role, behalf, position) in enumerate(spec["participants"]):
                participations.append((aid, person, role, behalf, position, order, sid))
            for area in spec["focus_areas"]:
                focus_links.append((aid, area.pk, sid))
            source_links.append((aid, sid))
            for name, kind, planned in spec["bodies"]:
                bodies.append((aid, name, kind, planned, sid))
        write(SourceCredit, ("source_id", "name", "role", "order"), credits)
        write(AgreementParty, ("agreement_id", "institution_id", "order", "source_id"), parties)
        write(Participation, PARTICIPATION_FIELDS, participations)
        write(AgreementFocusArea, ("agreement_id", "focus_area_id", "source_id"), focus_links)
        write(AgreementSource, ("agreement_id", "source_id"), source_links)
        write(EstablishedBody, ("agreement_id", "name", "kind", "planned", "source_id"), bodies)

        summary = self.summary
        summary.sources += len(source_ids)
        summary.source_credits += len(credits)
        summary.agreements += len(agreement_ids)
        summary.published += sum(spec["agreement"][9] == "published" for spec in specs)
        summary.parties += len(parties)
        summary.participations += len(participations)
        summary.focus_links += len(focus_links)
        summary.established_bodies += len(bodies)

    def pick_parties(self):
        rng = self.rng
        count = self.party_count_picker()
        if rng.random() < 0.85:
            first = self.academic_picker()
            second = self.hospital_picker() if rng.random() < 0.8 else self.academic_picker()
        else:
            first = self.hospital_picker()
            second = self.academic_picker() if rng.random() < 0.7 else self.hospital_picker()
        parties = [first]
        for candidate in [second] + [None] * (count - 2):
            for _ in range(10):
                if candidate is None or candidate in parties:
                    roll = rng.random()
                    candidate = (
                        self.other_picker()
                        if roll < 0.15
                        else self.academic_picker()
                        if roll < 0.55
                        else self.hospital_picker()
                    )
                    continue
                parties.append(candidate)
                break
        return parties

    def signing_date(self):
        roll = self.rng.random()
        if roll < 0.03:
            return None, "unknown"
        day = self.random_date()
        if roll < 0.85:
            return day, "day"
        if roll < 0.94:
            return day.replace(day=1), "month"
        return day.replace(month=1, day=1), "year"

    def agreement_spec(self):
        rng = self.rng
        parties = self.pick_parties()
        kind = self.kind_picker()
        signed_on, precision = self.signing_date()
        areas = self.pick_focus_areas()
        bodies = self.established_bodies(kind, parties, areas)
        full_names = join_names([inst.name for inst in parties])
        short_names = [inst.acronym or inst.name for inst in parties]
        title = self.agreement_title(kind, full_names, areas, bodies)
        if len(title) > 300:
            title = self.agreement_title(kind, join_names(short_names), areas, bodies)
        if len(title) > 300:
            title = title[:299] + "…"
        year = signed_on.year if signed_on else "undated"
        slug = self.agreement_slugs.take(
            f"{short_names[0]} {short_names[1]} {KIND_SLUGS[kind]} {year}"
        )
        term = rng.choice(TERMS) if rng.random() < 0.25 else None
        published = rng.random() < 0.95
        host = parties[0] if rng.random() < 0.7 else rng.choice(parties)

        if signed_on is None:
            release = self.random_date()
        elif precision == "day":
            release = signed_on + dt.timedelta(days=rng.randrange(8))
        else:
            release = signed_on + dt.timedelta(
                days=rng.randrange(28 if precision == "month" else 360)
            )
        published_at = None
        if published:
            published_at = dt.datetime.combine(
                release + dt.timedelta(days=rng.randrange(1, 30)), dt.time(9, 0), tzinfo=dt.UTC
            )

        summary = f"{full_names} agreed to cooperate on "
        summary += join_names([lower_first(area.name) for area in areas]) + "."
        for name, _, planned in bodies:
            summary += (
                f" The agreement {'plans to establish' if planned else 'establishes'} the {name}."
            )
        if term:
            summary += f" It runs for {term // 12} year{'s' if term > 12 else ''}."

        source = (  # SOURCE_FIELDS
            self.source_slugs.take(f"press-release {slug}"),
            self.source_title(short_names, kind),
            rng.choice(PUBLISHERS).format(a=short_names[0], city=host.city),
            release,
            "en",
            self.note,
        )
        credits = []
        if rng.random() < 0.5:
            credits.append((self.credit_name(), "reporter"))
            if rng.random() < 0.5:
                credits.append((self.credit_name(), "editor"))

        place = self.venue(host) if rng.random() < 0.8 else ""
        city = host.city if rng.random() < 0.9 else ""
        status = "published" if published else "draft"
        agreement = (slug, title, kind, signed_on, precision, place, city, term, summary, status)
        agreement += (published_at,)  # AGREEMENT_FIELDS
        return {
            "agreement": agreement,
            "source": source,
            "credits": credits,
            "parties": parties,
            "participants": self.participants(parties, bool(bodies)),
            "focus_areas": areas,
            "bodies": bodies,
        }

    def source_title(self, short_names, kind):
        what = lower_first(self.kind_labels[kind])
        title = f"{join_names(short_names)} sign {what}"
        if len(title) > 300:
            title = f"{short_names[0]} and {len(short_names) - 1} partners sign {what}"
        return title[:300]

    def agreement_title(self, kind, names, areas, bodies):
        if kind == "strategic_cooperation":
            return f"Strategic cooperation agreement between {names}"
        if kind == "cooperation":
            return f"Cooperation agreement between {names} on {lower_first(areas[0].name)}"
        if kind == "co_establishment" and bodies:
            return f"Agreement to co-establish the {bodies[0][0]}"
        if kind == "memorandum":
            return f"Memorandum of understanding between {names}"
        return f"{OTHER_TITLES[len(names) % len(OTHER_TITLES)]} between {names}"

    def established_bodies(self, kind, parties, areas):
        rng = self.rng
        if kind == "co_establishment":
            count = 2 if rng.random() < 0.1 else 1
        else:
            count = 1 if rng.random() < 0.1 else 0
        bodies = []
        for _ in range(count):
            area = title_case(rng.choice(areas).name)
            first, second = (inst.acronym or inst.name for inst in parties[:2])
            body_kind = rng.choice(
                ["institute", "institute", "school", "centre", "class", "platform"]
            )
            options = {
                "institute": [
                    f"{first}–{second} Joint Institute of {area}",
                    f"{rng.choice(DIRECTIONS)} Institute of Advanced Medical Research",
                    f"Institute of {area}",
                ],
                "school": [f"School of {area}", "School of Medical Science and Engineering"],
                "centre": [
                    f"{area} Innovation Center",
                    f"Joint {area} Center",
                    "Future Medical Science and Technology Innovation and Transformation Center",
                ],
                "class": [
                    "Union Medical Class",
                    f"{first} Clinical Medicine Class",
                    f"{area} Talent Class",
                ],
                "platform": [f"{area} Research Platform", f"{area} Data Platform"],
            }[body_kind]
            name = rng.choice(options)[:250]
            if all(name != existing for existing, _, _ in bodies):
                bodies.append((name, body_kind, rng.random() < 0.2))
        return bodies

    def venue(self, host):
        rng = self.rng
        if rng.random() < 0.5:
            first, second = rng.sample(PLACE_SYLLABLES, 2)
            name = first[0].capitalize() + ("'" if second[0][0] in "aeo" else "") + second[0]
        else:
            name = host.acronym or host.name
        return f"{name} {rng.choice(VENUE_TYPES)}"[:200]

    def credit_name(self):
        family, given, order, _ = self.person_name()
        return f"{given} {family}" if order == "given_first" else f"{family} {given}"

    def participants(self, parties, has_body):
        """(person id, role, on behalf of institution id, position id) rows, 2 to 15."""
        rng = self.rng
        target = self.participant_count_picker()
        rows = []
        taken = set()
        present = []

        def add(person, role, behalf, position):
            if (person, role) in taken:
                return False
            taken.add((person, role))
            rows.append((person, role, behalf, position))
            present.append((person, position))
            return True

        for inst in parties:
            if len(rows) >= target:
                break
            pool = self.leaders[inst.index] or self.staff[inst.index]
            for _ in range(3):
                person, position = rng.choice(pool)
                if add(person, "signed", inst.pk, position):
                    break
        attempts = 0
        while len(rows) < target and attempts < target * 5:
            attempts += 1
            role = self.extra_role_picker()
            if role == "unveiled" and not has_body:
                role = "attended"
            roll = rng.random()
            if present and roll < 0.2:
                person, position = rng.choice(present)
            elif roll < 0.85:
                person, position = rng.choice(self.staff[rng.choice(parties).index])
            else:
                person, position = rng.choice(self.staff[self.other_picker().index])
            if rng.random() < 0.1:
                position = None
            add(person, role, None, position)
        return rows


def suspend_indexes_and_constraints(models):
    """Drop foreign keys and secondary indexes now; the returned function recreates them.

    PostgreSQL's advice for populating a database ("Populating a Database" in its
    manual): checking a deferred foreign key per row at COMMIT, and updating every
    index per row, cost far more than one validating join and one sorted index build
    at the end (at 100,000 agreements, about a minute of checks at COMMIT alone).
    Primary keys and unique constraints stay, so duplicates still fail at once. The
    definitions are read from the catalog, so indexes added by later migrations come
    back as they were; everything happens inside the caller's transaction, so a
    failure rolls the schema back too. Other databases: nothing to do.
    """
    if connection.vendor != "postgresql":
        return lambda: None
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT indisunique "
            "ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        # Earlier writes in an enclosing transaction may have deferred checks queued,
        # and a table with pending trigger events cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")

    def restore():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred

    return restore


def analyze():
    """Fresh planner statistics (and a vacuum) after a bulk load; PostgreSQL only."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    tables = [model._meta.db_table for model in GENERATED_MODELS]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    return True


SOURCE_FIELDS = ("slug", "title", "publisher", "published_on", "language", "notes")
AGREEMENT_FIELDS = (
    "slug",
    "title",
    "kind",
    "signed_on",
    "signed_on_precision",
    "place",
    "city",
    "term_months",
    "summary",
    "status",
    "published_at",
)
PARTICIPATION_FIELDS = (
    "agreement_id",
    "person_id",
    "role",
    "on_behalf_of_id",
    "position_id",
    "order",
    "source_id",
)
SECOND_TITLES = {
    "academy": "Academician",
    "government": "Member of the Expert Committee",
    "other": "Vice Chairman",
    "research_institute": "Visiting Professor",
    "school": "Adjunct Professor",
}
REGIONS_BY_CITY = {city: region for city, _, region in CITIES}
GENERATED_MODELS = [
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionRelation,
    Person,
    Position,
    Source,
    SourceCredit,
    Agreement,
    AgreementParty,
    Participation,
    AgreementFocusArea,
    AgreementSource,
    EstablishedBody,
]
