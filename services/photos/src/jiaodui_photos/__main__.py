from jiaodui_runtime.service import serve

from jiaodui_photos.settings import PhotosSettings

serve("jiaodui_photos.bootstrap:create_photos_app", PhotosSettings())
