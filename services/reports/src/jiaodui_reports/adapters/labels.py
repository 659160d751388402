"""The words on a report, in Chinese and English (values stay as the registry wrote them,
except the few that are codes: gender and ID type)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

FIELD_LABELS: dict[Lang, dict[str, str]] = {
    "zh": {
        "name": "姓名",
        "gender": "性别",
        "birth_date": "出生日期",
        "ethnicity": "民族",
        "id_type": "证件类型",
        "id_number_masked": "证件号码",
        "institution_name": "院校名称",
        "institution_code": "院校代码",
        "level": "层次",
        "major": "专业",
        "duration_years": "学制",
        "education_type": "学历类别",
        "study_form": "学习形式",
        "branch": "分院",
        "department": "系所",
        "class_name": "班级",
        "student_number": "学号",
        "enrollment_date": "入学日期",
        "status": "学籍状态",
    },
    "en": {
        "name": "Name",
        "gender": "Gender",
        "birth_date": "Date of birth",
        "ethnicity": "Ethnicity",
        "id_type": "ID type",
        "id_number_masked": "ID number",
        "institution_name": "Institution",
        "institution_code": "Institution code",
        "level": "Level",
        "major": "Major",
        "duration_years": "Length of schooling",
        "education_type": "Type of education",
        "study_form": "Mode of study",
        "branch": "College",
        "department": "Department",
        "class_name": "Class",
        "student_number": "Student number",
        "enrollment_date": "Date of enrolment",
        "status": "Status",
    },
}

VALUES: dict[Lang, dict[str, str]] = {
    "zh": {
        "male": "男",
        "female": "女",
        "resident_id": "居民身份证",
        "passport": "护照",
        "hk_macao_permit": "港澳居民来往内地通行证",
        "taiwan_permit": "台湾居民来往大陆通行证",
    },
    "en": {
        "male": "Male",
        "female": "Female",
        "resident_id": "Resident identity card",
        "passport": "Passport",
        "hk_macao_permit": "Mainland travel permit (HK/Macao)",
        "taiwan_permit": "Mainland travel permit (Taiwan)",
    },
}

TEXT: dict[Lang, dict[str, str]] = {
    "zh": {
        "title": "学籍在线验证报告",
        "subtitle": "Online Verification Report of Student Status",
        "issued": "报告生成时间",
        "valid_until": "报告有效期至",
        "beijing": "（北京时间）",
        "code": "在线验证码",
        "check_at": "验证网址",
        "how": "扫描二维码或在验证网址输入验证码即可核验本报告，无需登录。",
        "signature": "数字签名（Ed25519，密钥 {kid}，第 {revision} 版）",
        "offline": "签名数据以附件 jiaodui-report.jws 嵌入本文件。离线核验：",
        "keys": "公钥：{jwks}",
        "photo": "毕业照片",
        "years": "{value} 年",
    },
    "en": {
        "title": "Online Verification Report of Student Status",
        "subtitle": "学籍在线验证报告",
        "issued": "Issued",
        "valid_until": "Valid until",
        "beijing": " (Beijing time)",
        "code": "Verification code",
        "check_at": "Check at",
        "how": "Scan the QR code or enter the code at the address above to check this report "
        "(no login needed); its content is shown while it is valid.",
        "signature": "Digital signature (Ed25519, key {kid}, revision {revision})",
        "offline": "The signed data is attached to this file as jiaodui-report.jws. "
        "Check it offline:",
        "keys": "Public keys: {jwks}",
        "photo": "Graduation photo",
        "years": "{value} years",
    },
}
