"""The Chinese names a park office's own sheets use, beside the English ones: a sheet named 单元 is the
units sheet, a column 统一社会信用代码 is `credit_code`. Refusals name the column by its English name."""

import unicodedata

SHEET_NAMES = {"单元": "units", "租户": "tenants", "企业": "tenants", "租约": "leases", "合同": "leases"}

COLUMN_NAMES = {
    # units
    "楼栋": "building",
    "楼层": "floor",
    "单元号": "unit_number",
    "房号": "unit_number",
    "单元类型": "unit_type",
    "面积": "area_m2",
    "建筑面积": "area_m2",
    "面积(m2)": "area_m2",
    "上架日期": "listed_on",
    # tenants
    "企业名称": "name",
    "统一社会信用代码": "credit_code",
    "行业代码": "industry_code",
    "高新技术企业": "high_tech",
    "成立日期": "founded_on",
    "员工人数": "headcount",
    "单元": "units",
    "入驻日期": "onboarded_on",
    # leases
    "合同编号": "lease_ref",
    "租户": "tenant",
    "起租日期": "starts_on",
    "租期(月)": "term_months",
    "免租换股月数": "equity_months_waived",
    "股权比例": "equity_percent",
    "退租日期": "terminated_on",
    "退租原因": "termination_reason",
}


def sheet_name(title: str) -> str:
    name = _plain(title)
    return SHEET_NAMES.get(name, name)


def column_name(header: str) -> str:
    name = _plain(header)
    return COLUMN_NAMES.get(name, name)


def _plain(name: str) -> str:
    """NFKC: the full-width parentheses a Chinese input method types are (), and ㎡ is m2."""
    return unicodedata.normalize("NFKC", name).strip().lower()
