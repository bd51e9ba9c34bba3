app_name = "resettlement"
urlpatterns: list = []
