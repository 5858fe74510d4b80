"""Personal names as printed and normalised: "FU Wei" and "Fu Wei" are one person."""

import re
import unicodedata
from dataclasses import dataclass

from nameparser import HumanName

from partnerships.models import NameOrder

# Common Chinese family names in pinyin (and the Cantonese spellings Hong Kong uses): a
# two-word name beginning with one is read family-name-first, as Chinese releases print.
_FAMILY_NAMES_TEXT = """
    an bai cai cao chang chen cheng chu cui dai deng ding dong du duan fan fang feng fu gao ge
    gong gu guo han hao he hong hou hu hua huang ji jia jiang jin kong lai lan lei li liang
    liao lin liu long lu luo lyu lv ma mao meng ming mo ni niu pan peng qi qian qiao qin qiu
    ren shao shen shi song su sun tan tang tao tian wan wang wei wen wu xia xiang xiao xie
    xiong xu xue yan yang yao ye yi yin yu yuan yue zeng zhai zhan zhang zhao zheng zhong zhou
    zhu zhuang zou cheung chan chow chui ho ip kwok lam lau lee leung lo mak ng poon tsang tse
    wong yeung yip
"""
CHINESE_FAMILY_NAMES = frozenset(_FAMILY_NAMES_TEXT.split())


@dataclass(frozen=True)
class ParsedName:
    printed: str
    family_name: str
    given_name: str
    name_order: str

    @property
    def display(self):
        return self.printed

    @property
    def key(self):
        return name_key(self.family_name, self.given_name)


def name_key(family_name, given_name):
    """Compare names without case, accents, hyphens or middle initials."""
    text = f"{family_name} {given_name}"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]{2,}|[a-z](?=\W|$)", text.replace("-", "").replace("'", ""))
    return " ".join(word for word in words if len(word) > 1)


def parse_person_name(printed):
    """Family and given names apart, in the order the release prints them."""
    words = printed.split()
    upper = [word for word in words if len(word) > 1 and word.isalpha() and word.isupper()]
    if len(words) >= 2 and len(upper) == 1:
        # Releases capitalise the family name: "FU Wei", "Nancy IP", "Penger TONG".
        family = upper[0]
        given = " ".join(word for word in words if word is not family)
        order = NameOrder.FAMILY_FIRST if words[0] is family else NameOrder.GIVEN_FIRST
        return ParsedName(printed, family.title(), given, order)
    if len(words) in (2, 3) and words[0].lower() in CHINESE_FAMILY_NAMES and "." not in printed:
        return ParsedName(printed, words[0], " ".join(words[1:]), NameOrder.FAMILY_FIRST)
    human = HumanName(printed)
    given = " ".join(part for part in (human.first, human.middle) if part)
    return ParsedName(printed, human.last or printed, given, NameOrder.GIVEN_FIRST)
