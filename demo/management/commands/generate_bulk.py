from django.core.management.base import BaseCommand, CommandError

from demo.bulk import PREFIX, NotGeneratedContent, generate


class Command(BaseCommand):
    help = (
        "Fill the database with realistic French content for measuring performance. Tops up to the "
        f"numbers given (a second run adds nothing); every generated slug starts with '{PREFIX}'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--participations", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same content.")
        parser.add_argument(
            "--force", action="store_true", help="Add to a database that also holds content not made by this command."
        )

    def handle(self, *args, articles, events, people, participations, seed, force, **options):
        if min(articles, events, people, participations) < 0:
            raise CommandError("Numbers must not be negative.")
        try:
            generate(
                articles=articles, events=events, people=people, participations=participations,
                force=force, seed=seed, out=self.stdout.write,
            )
        except NotGeneratedContent as refusal:
            raise CommandError(str(refusal)) from refusal
