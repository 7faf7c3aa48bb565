// scenario_key_docs README.md: rewrites the generated key tables of a scenario reference (see
// key_docs.h) in place. Exit status 0 on success (whether or not anything changed), 2 on a bad
// marker or an unreadable file.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "bench/scenario/key_docs.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: scenario_key_docs scenarios/README.md\n";
    return 2;
  }
  const std::string path = argv[1];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string updated;
  std::string error;
  if (!streambench::scenario::RegenerateKeyTables(text.str(), &updated, &error)) {
    std::cerr << path << ": " << error << "\n";
    return 2;
  }
  if (updated == text.str()) return 0;
  std::ofstream(path, std::ios::binary) << updated;
  std::cout << "updated the key tables of " << path << "\n";
  return 0;
}
