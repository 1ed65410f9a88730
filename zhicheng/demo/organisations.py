"""The demo district's bodies as plain data: the office, review departments, agencies, units and committees."""

from __future__ import annotations

from dataclasses import dataclass

from zhicheng.accounts.models import OrganisationKind as K
from zhicheng.accounts.models import UnitType as T

from .identifiers import credit_code

# Area codes: 兰州新区 spans 永登县 (620121) and 皋兰县 (620122); 兰州市 620100; 北京市 110000
_XINQU, _GAOLAN, _LANZHOU, _BEIJING = "620121", "620122", "620100", "110000"


@dataclass(frozen=True)
class OrgSpec:
    """One demo organisation; `key` names it in usernames (key_admin) and in the case table."""

    key: str
    name: str
    kind: str
    parent: str = ""
    unit_type: str = ""
    authority: str = ""  # credit-code registration authority + category: 11 机关, 12 事业单位, 91 企业, 52 民办非企业
    area: str = _XINQU
    serial: int = 0
    in_district: bool = True
    has_own_committee: bool = False
    outside_branch: bool = False
    has_post_management: bool = False
    professional_posts: int = 0
    note: str = ""

    @property
    def credit_code(self) -> str | None:
        return credit_code(self.authority, self.area, self.serial) if self.authority else None

    @property
    def handles_dossiers(self) -> bool:
        """Units, agencies, departments and the office need real-name admin, clerk and leader (§六(八))."""
        return self.kind in {K.OFFICE, K.DEPARTMENT, K.AGENCY, K.UNIT}


OFFICE = OrgSpec("zgb", "兰州新区组织部", K.OFFICE, authority="11", serial=71000101, note="职改办")

ORGANISATIONS: tuple[OrgSpec, ...] = (
    OFFICE,
    OrgSpec("sheng", "甘肃省职称改革工作领导小组办公室", K.PROVINCE, note="省职改办：审批委托函，组织委托评审"),
    # review departments (审核部门) and talent agencies
    OrgSpec("jtj", "兰州新区教育和体育局", K.DEPARTMENT, "zgb", authority="11", serial=71000213, note="新区教体局"),
    OrgSpec("wjw", "兰州新区卫生健康委员会", K.DEPARTMENT, "zgb", authority="11", serial=71000221, note="新区卫健委"),
    OrgSpec("yqrsj", "兰州新区化工园区组织人事局", K.DEPARTMENT, "zgb", authority="11", serial=71000248),
    OrgSpec("gzjt", "兰州新区国有资产投资集团有限公司", K.DEPARTMENT, "zgb", T.STATE_ENTERPRISE, "91", serial=71003305,
            note="国有集团公司：审核所属子公司"),
    OrgSpec("rcfw", "兰州新区人才服务中心有限公司", K.AGENCY, "zgb", T.STATE_ENTERPRISE, "91", serial=71004417,
            note="人事代理机构，并审核民营企业"),
    OrgSpec("shpx", "兰州新区石化人力资源培训有限公司", K.AGENCY, "zgb", T.PRIVATE_ENTERPRISE, "91", serial=71004522,
            note="化工园区单位的人事代理机构"),
    # employer units (用人单位)
    OrgSpec("yizhong", "兰州新区第一中学", K.UNIT, "jtj", T.SCHOOL, "12", serial=71010011,
            has_post_management=True, professional_posts=168),
    OrgSpec("qcxx", "兰州新区秦川镇中心小学", K.UNIT, "jtj", T.SCHOOL, "12", _GAOLAN, 71010027,
            has_post_management=True, professional_posts=42, note="乡村学校"),
    OrgSpec("yucai", "兰州新区育才实验学校", K.UNIT, "jtj", T.SCHOOL, "52", serial=71010035, note="民办学校"),
    OrgSpec("zhiyuan", "兰州新区职业技术学院", K.UNIT, "jtj", T.SCHOOL, "12", serial=71010043,
            has_own_committee=True, has_post_management=True, professional_posts=310, note="已有本单位评审委员会"),
    OrgSpec("yiyuan", "兰州新区第一人民医院", K.UNIT, "wjw", T.HOSPITAL, "12", serial=71020019,
            has_post_management=True, professional_posts=420),
    OrgSpec("renhe", "兰州新区仁和医院", K.UNIT, "wjw", T.HOSPITAL, "52", serial=71020026, note="民营医院"),
    OrgSpec("wszx", "兰州新区中川镇卫生院", K.UNIT, "wjw", T.HOSPITAL, "12", serial=71020034,
            has_post_management=True, professional_posts=36, note="基层医疗卫生机构"),
    OrgSpec("xinrui", "甘肃新瑞精密制造有限公司", K.UNIT, "rcfw", T.PRIVATE_ENTERPRISE, "91", serial=71030015,
            note="民营企业，由人才服务中心审核"),
    OrgSpec("zhilian", "兰州新区智联信息技术有限公司", K.UNIT, "rcfw", T.PRIVATE_ENTERPRISE, "91", serial=71030023),
    OrgSpec("chengtou", "兰州新区城市建设发展有限公司", K.UNIT, "gzjt", T.STATE_ENTERPRISE, "91", serial=71040012,
            note="国有集团子公司"),
    OrgSpec("shuiwu", "兰州新区水务有限公司", K.UNIT, "gzjt", T.STATE_ENTERPRISE, "91", serial=71040020),
    OrgSpec("jinghua", "兰州新区精细化工科技有限公司", K.UNIT, "shpx", T.PRIVATE_ENTERPRISE, "91", serial=71050018,
            note="化工园区企业"),
    OrgSpec("jiance", "兰州新区化工园区安全环保监测中心", K.UNIT, "yqrsj", T.INSTITUTION, "12", serial=71060014,
            has_post_management=True, professional_posts=28),
    OrgSpec("jiaotong", "甘肃省交通规划勘察设计院有限责任公司兰州新区分公司", K.UNIT, "yqrsj", T.STATE_ENTERPRISE,
            "91", _LANZHOU, 71070016, in_district=False, note="注册地不在新区（分支机构）"),
    OrgSpec("zhongtie", "中铁某局集团兰州新区项目部", K.UNIT, "yqrsj", T.STATE_ENTERPRISE, "91", _BEIJING, 71070024,
            in_district=False, outside_branch=True, note="中央单位在甘分支机构，须省职改办委托函"),
    # committees (评审委员会)
    OrgSpec("pwh_gc", "兰州新区工程系列职称评审委员会", K.COMMITTEE, "zgb", note="自主评审：工程师、高级工程师"),
    OrgSpec("pwh_js", "兰州新区中小学教师职称评审委员会", K.COMMITTEE, "zgb", note="自主评审：一级、高级教师"),
)

BY_KEY = {spec.key: spec for spec in ORGANISATIONS}


def parents_first() -> list[OrgSpec]:
    """The specs ordered so that every parent comes before its children."""
    done: list[OrgSpec] = []
    pending = list(ORGANISATIONS)
    while pending:
        ready = [s for s in pending if not s.parent or s.parent in {d.key for d in done}]
        if not ready:
            raise ValueError(f"unknown parent in {[s.key for s in pending]}")
        done.extend(ready)
        pending = [s for s in pending if s not in ready]
    return done
