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

# the registry's vocabularies (records stores these codes), as the portal words them
VOCABULARY: dict[Lang, dict[str, dict[str, str]]] = {
    "zh": {
        "level": {
            "associate": "专科",
            "bachelor": "本科",
            "bachelor_from_associate": "专科起点本科",
            "second_bachelor": "第二学士学位",
            "master": "硕士研究生",
            "doctor": "博士研究生",
        },
        "education_type": {
            "regular": "普通",
            "adult": "成人",
            "online": "网络教育",
            "open": "开放教育",
            "self_study": "自学考试",
        },
        "study_form": {
            "full_time": "普通全日制",
            "part_time": "非全日制",
            "correspondence": "函授",
            "spare_time": "业余",
            "off_job": "脱产",
            "online": "网络",
        },
        "status": {
            "enrolled": "在籍",
            "suspended": "休学",
            "retained": "保留学籍",
            "withdrawn": "退学",
            "expelled": "开除学籍",
            "graduated": "毕业",
            "completed": "结业",
            "incomplete": "肄业",
        },
    },
    "en": {
        "level": {
            "associate": "Associate",
            "bachelor": "Bachelor",
            "bachelor_from_associate": "Bachelor (from associate)",
            "second_bachelor": "Second bachelor",
            "master": "Master",
            "doctor": "Doctorate",
        },
        "education_type": {
            "regular": "Regular",
            "adult": "Adult",
            "online": "Online",
            "open": "Open",
            "self_study": "Self-study exam",
        },
        "study_form": {
            "full_time": "Full-time",
            "part_time": "Part-time",
            "correspondence": "Correspondence",
            "spare_time": "Spare-time",
            "off_job": "Off-the-job",
            "online": "Online",
        },
        "status": {
            "enrolled": "Enrolled",
            "suspended": "Suspended",
            "retained": "Place kept",
            "withdrawn": "Withdrawn",
            "expelled": "Expelled",
            "graduated": "Graduated",
            "completed": "Completed",
            "incomplete": "Left early",
        },
    },
}
