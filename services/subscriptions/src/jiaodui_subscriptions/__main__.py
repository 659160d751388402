from jiaodui_runtime.service import serve

from jiaodui_subscriptions.settings import SubscriptionsSettings

serve("jiaodui_subscriptions.bootstrap:create_subscriptions_app", SubscriptionsSettings())
