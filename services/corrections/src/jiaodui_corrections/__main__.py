from jiaodui_runtime.service import serve

from jiaodui_corrections.settings import CorrectionsSettings

serve("jiaodui_corrections.bootstrap:create_corrections_app", CorrectionsSettings())
