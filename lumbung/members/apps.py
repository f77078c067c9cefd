from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "lumbung.members"
    label = "members"
    verbose_name = "Anggota"
