app_name = "companions"
urlpatterns: list = []
