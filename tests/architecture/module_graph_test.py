"""The module graph of docs/architecture.md, checked against the code: the libraries' CMake links
form no loop, and no source file includes a header of a library its own library does not link
(directly or through others). Fails with the offending file and include.

Usage: module_graph_test.py REPO_ROOT
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1]).resolve()
# A header-only library (INTERFACE) owns the folder its CMakeLists.txt is in.
LIB = re.compile(r"add_library\((streambench_\w+)\s+(STATIC|INTERFACE)(.*?)\)", re.S)
LINK = re.compile(r"target_link_libraries\((streambench_\w+)(.*?)\)", re.S)

owner = {}    # source path (relative) -> library
folder = {}   # folder (relative) -> the library that owns most of its sources
deps = {}     # library -> libraries it links
for cmake in root.glob("**/CMakeLists.txt"):
    rel = cmake.parent.relative_to(root)
    if rel.parts and rel.parts[0] in ("tests", "build") or str(rel).startswith("build"):
        continue
    text = cmake.read_text()
    for name, kind, body in LIB.findall(text):
        deps.setdefault(name, set())
        files = [f for f in body.split() if f.endswith(".cc") and "$" not in f]
        for f in files:
            owner[str(rel / f)] = name
        if files or "${SERVER_SRCS}" in body or kind == "INTERFACE":
            folder.setdefault(str(rel), name)
    for name, body in LINK.findall(text):
        deps.setdefault(name, set()).update(
            d for d in re.findall(r"streambench_\w+", body) if d != name)
# The server library globs its folder and subfolders.
for sub in ("server/interop", "server/workloads"):
    folder[sub] = "streambench_server"

def library_of(path):
    path = pathlib.PurePosixPath(path)
    cc = str(path.with_suffix(".cc"))
    if cc in owner:
        return owner[cc]
    if path.parts[:1] in (("streambench",), ("grpc",)):
        return "streambench_proto"
    return folder.get(str(path.parent))

# No loop: depth-first search over the links.
problems = []
state = {}
def visit(lib, trail):
    if state.get(lib) == "open":
        problems.append("loop: " + " -> ".join(trail + [lib]))
        return
    if state.get(lib) == "done":
        return
    state[lib] = "open"
    for d in sorted(deps.get(lib, ())):
        visit(d, trail + [lib])
    state[lib] = "done"
for lib in sorted(deps):
    visit(lib, [])

def reachable(lib):
    seen, todo = set(), [lib]
    while todo:
        for d in deps.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen

INCLUDE = re.compile(r'^#include "([^"]+)"', re.M)
checked = 0
for source in list(root.glob("common/**/*.[ch]*")) + list(root.glob("server/**/*.[ch]*")) + \
        list(root.glob("bench/**/*.[ch]*")):
    rel = source.relative_to(root)
    if source.suffix not in (".cc", ".h") or rel.name == "main.cc":
        continue
    lib = library_of(rel)
    if lib is None:
        continue
    allowed = reachable(lib) | {lib}
    for included in INCLUDE.findall(source.read_text()):
        target = library_of(included)
        checked += 1
        if target is not None and target not in allowed:
            problems.append(f"{rel} ({lib}) includes {included} ({target}), which {lib} does not "
                            "link")
if problems:
    sys.exit("module graph:\n  " + "\n  ".join(problems))
print(f"module graph: {len(deps)} libraries, no loop; {checked} includes within the links")
