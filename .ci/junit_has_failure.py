"""Exit 0 when a JUnit XML file has a failed testcase whose "classname.name" matches a regex.

Usage: junit_has_failure.py FILE REGEX
"""
import re
import sys
import xml.etree.ElementTree as ET

path, pattern = sys.argv[1], re.compile(sys.argv[2])
for case in ET.parse(path).iter("testcase"):
    name = case.get("classname", "") + "." + case.get("name", "")
    if pattern.search(name) and case.find("failure") is not None:
        sys.exit(0)
sys.exit(1)
