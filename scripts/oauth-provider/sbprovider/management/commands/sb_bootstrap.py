from django.core.management import call_command
from django.core.management.base import BaseCommand

from sbprovider.bootstrap import ensure_fixtures


class Command(BaseCommand):
    help = "Migrate the database and create (idempotently) alice and the sb-* test clients."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        ensure_fixtures()
        self.stdout.write("ok")
