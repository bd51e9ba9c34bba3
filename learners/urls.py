app_name = "learners"
urlpatterns: list = []
