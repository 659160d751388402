"""What the student should do about the matching state, in Chinese and English."""

from __future__ import annotations

from jiaodui_records.domain.matching import MatchStatus, UnmatchedReason

_HINTS: dict[tuple[MatchStatus, UnmatchedReason | None], tuple[str, str]] = {
    (MatchStatus.MATCHED, None): (
        "已找到您的学籍信息，请核对学籍和照片。",
        "Your student-status record was found: please check it and your photos.",
    ),
    (MatchStatus.PENDING, None): (
        "正在查找您的学籍信息，请稍后刷新。若尚未完成实名注册，请先完成实名注册。",
        "We are still looking for your record; refresh in a moment. If you have not "
        "completed real-name registration yet, please do that first.",
    ),
    (MatchStatus.UNMATCHED, UnmatchedReason.NAME_MISMATCH): (
        "找到了与您证件号码一致的学籍，但姓名不同。请在账号设置中修改姓名，使其与学籍一致；"
        "若学籍中的姓名有误，请联系学校学籍管理部门。",
        "A record with your ID number exists but the name differs. Edit your name in the "
        "account settings to match the record; if the record's name is wrong, ask the "
        "registrar's office to correct it.",
    ),
    (MatchStatus.UNMATCHED, UnmatchedReason.NO_RECORD): (
        "未找到与您的姓名和证件号码一致的学籍。若证件号码填写有误，请提交身份证扫描件申请更正；"
        "若信息无误，请联系学校学籍管理部门确认学籍是否已导入。",
        "No record matches your name and ID number. If your ID number was entered wrongly, "
        "request an ID correction with a scan of your ID card; if it is right, ask the "
        "registrar's office whether your record has been imported.",
    ),
}


def hint(status: MatchStatus, reason: UnmatchedReason | None) -> dict[str, str]:
    zh, en = _HINTS[(status, reason if status == MatchStatus.UNMATCHED else None)]
    return {"zh": zh, "en": en}
