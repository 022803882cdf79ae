from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.models import get_access_token_model, get_refresh_token_model


class Command(BaseCommand):
    help = ("Revoke every refresh and access token of a user (optionally of one client), so "
            "the next refresh gets invalid_grant and /api/me answers 401.")

    def add_arguments(self, parser):
        parser.add_argument("--user", default="alice")
        parser.add_argument("--client", default=None, help="client_id (default: all clients)")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['user']}")
        refresh = get_refresh_token_model().objects.filter(user=user, revoked__isnull=True)
        access = get_access_token_model().objects.filter(user=user)
        if options["client"]:
            refresh = refresh.filter(application__client_id=options["client"])
            access = access.filter(application__client_id=options["client"])
        n_refresh = 0
        for token in refresh:
            token.revoke()  # marks it revoked and deletes its access token
            n_refresh += 1
        n_access, _ = access.delete()
        self.stdout.write(f"revoked {n_refresh} refresh token(s), deleted {n_access} access-token row(s)")
