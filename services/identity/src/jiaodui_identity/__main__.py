from jiaodui_runtime.service import serve

from jiaodui_identity.settings import IdentitySettings

serve("jiaodui_identity.bootstrap:create_identity_app", IdentitySettings())
