from jiaodui_runtime.service import serve

from jiaodui_records.settings import RecordsSettings

serve("jiaodui_records.bootstrap:create_records_app", RecordsSettings())
