"""French text is folded one way for the slug, the search, the export's sort and the admin's script."""

import json
import re
from pathlib import Path

from django.test import SimpleTestCase

from core.text import LIGATURES, fold, slugify_fr, sort_key

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "admin" / "js" / "slugify_fr.js"


class OneTableTests(SimpleTestCase):
    def test_the_admin_script_holds_the_same_table_entry_for_entry(self):
        table = json.loads(re.search(r"const LIGATURES = (\{.*?\});", SCRIPT.read_text(), re.S).group(1))
        self.assertEqual(table, LIGATURES)

    def test_every_letter_of_the_table_folds_alike_everywhere(self):
        for letter, spelled in LIGATURES.items():
            with self.subTest(letter=letter):
                self.assertEqual(fold(letter), spelled)
                self.assertEqual(slugify_fr(f"a {letter} b"), f"a-{spelled}-b")
                self.assertEqual(sort_key(letter), spelled)

    def test_french_titles(self):
        self.assertEqual(slugify_fr("Cœur de ville : l’œuvre"), "coeur-de-ville-l-oeuvre")
        self.assertEqual(fold("Cœur de ville, QUÉBEC"), "coeur de ville, quebec")
        self.assertLess(sort_key("Émilie"), sort_key("Zoé"))
        self.assertEqual(sort_key("Œuvre"), sort_key("oeuvre"))
