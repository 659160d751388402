from jiaodui_runtime.service import serve

from jiaodui_reports.settings import ReportsSettings

serve("jiaodui_reports.bootstrap:create_reports_app", ReportsSettings())
