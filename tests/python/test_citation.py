"""CITATION.cff parses, carries the fields the Citation File Format 1.2.0 requires, and names
the project's version; LICENSE and CHANGELOG.md exist and agree with it."""
import re
import unittest

import yaml

import support

REQUIRED = {"cff-version", "message", "title", "authors"}


class Citation(unittest.TestCase):
    def setUp(self):
        cmake = (support.SOURCE_DIR / "CMakeLists.txt").read_text()
        self.version = re.search(r"project\(smpsim\s+VERSION\s+([0-9.]+)", cmake).group(1)

    def test_citation_file_is_valid_cff(self):
        citation = yaml.safe_load((support.SOURCE_DIR / "CITATION.cff").read_text())
        self.assertIsInstance(citation, dict)
        self.assertFalse(REQUIRED - set(citation), f"missing: {REQUIRED - set(citation)}")
        self.assertEqual(citation["cff-version"], "1.2.0")
        self.assertTrue(citation["authors"])
        for author in citation["authors"]:
            self.assertTrue({"name", "family-names"} & set(author), author)
        self.assertEqual(str(citation["version"]), self.version)
        self.assertEqual(citation["license"], "MIT")
        self.assertRegex(str(citation["date-released"]), r"^\d{4}-\d{2}-\d{2}$")

    def test_license_and_changelog(self):
        self.assertIn("MIT License", (support.SOURCE_DIR / "LICENSE").read_text())
        changelog = (support.SOURCE_DIR / "CHANGELOG.md").read_text()
        self.assertRegex(changelog, rf"(?m)^## \[{re.escape(self.version)}\]")


if __name__ == "__main__":
    unittest.main()
