from jiaodui_runtime.service import serve

from jiaodui_notify.settings import NotifySettings

serve("jiaodui_notify.bootstrap:create_notify_app", NotifySettings())
