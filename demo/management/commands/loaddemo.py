from django.core.management.base import BaseCommand

from core.history import command_revision
from demo.content import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo content: the Thetford Mines congress article, its event, people and "
        "organisations, and plainly marked samples. Safe to run again: it changes nothing then."
    )

    def handle(self, *args, **options):
        with command_revision("loaddemo"):  # what it writes is a version in the history
            report = load_demo()
        self.stdout.write(report.summary())
