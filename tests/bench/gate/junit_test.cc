#include "bench/gate/junit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/bench/gate/make_check.h"

namespace streambench::gate {
namespace {

// A small XML reader for the subset JUnit uses: checks well-formedness (matched tags, quoted
// attributes, known entities, no raw '<' or '&' in text) and collects elements and attributes.
struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;
  std::string parent;
};

std::string Unescape(const std::string& s, bool* ok) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') *ok = false;
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string::npos) {
      *ok = false;
      return out;
    }
    const std::string entity = s.substr(i + 1, semi - i - 1);
    static const std::map<std::string, char> kNamed = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    if (kNamed.count(entity)) {
      out += kNamed.at(entity);
    } else if (entity.size() > 1 && entity[0] == '#') {
      out += static_cast<char>(std::stoi(entity.substr(1)));
    } else {
      *ok = false;
    }
    i = semi;
  }
  return out;
}

bool ParseXml(const std::string& xml, std::vector<Element>* elements) {
  size_t i = 0;
  if (xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) != 0) return false;
  i = xml.find("?>") + 2;
  std::vector<size_t> stack;  // indices into *elements
  bool ok = true;
  while (i < xml.size() && ok) {
    const size_t lt = xml.find('<', i);
    const std::string text = xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    const std::string decoded = Unescape(text, &ok);
    if (!stack.empty()) {
      (*elements)[stack.back()].text += decoded;
    } else if (text.find_first_not_of(" \n") != std::string::npos) {
      return false;  // text outside the root
    }
    if (lt == std::string::npos) break;
    const size_t gt = xml.find('>', lt);
    if (gt == std::string::npos) return false;
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (tag[0] == '/') {
      if (stack.empty() || (*elements)[stack.back()].name != tag.substr(1)) return false;
      stack.pop_back();
      continue;
    }
    const bool self_closing = tag.back() == '/';
    if (self_closing) tag.pop_back();
    Element e;
    size_t p = tag.find_first_of(" \n");
    e.name = tag.substr(0, p);
    while (p != std::string::npos && p < tag.size()) {
      p = tag.find_first_not_of(" \n", p);
      if (p == std::string::npos) break;
      const size_t eq = tag.find('=', p);
      if (eq == std::string::npos || eq + 1 >= tag.size() || tag[eq + 1] != '"') return false;
      const size_t close = tag.find('"', eq + 2);
      if (close == std::string::npos) return false;
      const std::string key = tag.substr(p, eq - p);
      if (e.attributes.count(key)) return false;  // duplicate attribute
      e.attributes[key] = Unescape(tag.substr(eq + 2, close - eq - 2), &ok);
      p = close + 1;
    }
    if (!stack.empty()) e.parent = (*elements)[stack.back()].name;
    elements->push_back(e);
    if (!self_closing) stack.push_back(elements->size() - 1);
  }
  return ok && stack.empty();
}

// Two threshold checks (one failed, in a variant whose name needs escaping) and two baseline
// checks (one regressed, its detail full of characters XML must escape).
std::vector<GateCase> SampleCases() {
  using testing::MakeCheck;
  std::vector<GateCase> cases =
      ThresholdCases({MakeCheck("message_latency.p99 < 5ms", "default", "message_latency.p99", true,
                                "message_latency.p99 = 1.20ms, limit < 5ms"),
                      MakeCheck("error_rate < 0.1%", "a&b", "error_rate", false,
                                "error_rate = 0.20%, limit < 0.1%: over by 0.10% (+100.0%)")},
                     "ci_gate");
  for (const GateCase& c :
       BaselineCases({MakeCheck("message_latency.p99", "default", "message_latency.p99", false,
                                "message_latency.p99 <1.2ms> vs \"1ms\"\nREGRESSED \x01"),
                      MakeCheck("throughput.messages_per_s", "default", "throughput.messages_per_s",
                                true, "fine")},
                     "ci_gate")) {
    cases.push_back(c);
  }
  return cases;
}

TEST(JunitTest, WellFormedWithRightCounts) {
  std::vector<Element> elements;
  const std::string xml = ToJunitXml(SampleCases());
  ASSERT_TRUE(ParseXml(xml, &elements)) << xml;
  ASSERT_FALSE(elements.empty());
  EXPECT_EQ(elements[0].name, "testsuites");
  EXPECT_EQ(elements[0].attributes["tests"], "4");
  EXPECT_EQ(elements[0].attributes["failures"], "2");

  std::vector<Element> suites, cases, failures;
  for (const Element& e : elements) {
    if (e.name == "testsuite") suites.push_back(e);
    if (e.name == "testcase") cases.push_back(e);
    if (e.name == "failure") failures.push_back(e);
  }
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[0].attributes["name"], "thresholds");
  EXPECT_EQ(suites[0].attributes["tests"], "2");
  EXPECT_EQ(suites[0].attributes["failures"], "1");
  EXPECT_EQ(suites[1].attributes["name"], "baseline");
  EXPECT_EQ(suites[1].attributes["tests"], "2");
  EXPECT_EQ(suites[1].attributes["failures"], "1");
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[0].attributes["name"], "message_latency.p99 < 5ms");
  EXPECT_EQ(cases[0].attributes["classname"], "streambench.ci_gate.default");
  EXPECT_EQ(cases[1].attributes["classname"], "streambench.ci_gate.a&b");
  EXPECT_EQ(cases[2].attributes["name"], "baseline message_latency.p99");
  ASSERT_EQ(failures.size(), 2u);
  for (const Element& f : failures) EXPECT_EQ(f.parent, "testcase");
  EXPECT_EQ(failures[0].attributes["message"],
            "error_rate = 0.20%, limit < 0.1%: over by 0.10% (+100.0%)");
  // Markup characters survive escaping; the control character is replaced.
  EXPECT_EQ(failures[1].attributes["message"],
            "message_latency.p99 <1.2ms> vs \"1ms\"\nREGRESSED ?");
  EXPECT_EQ(failures[1].text, failures[1].attributes["message"]);
}

TEST(JunitTest, EscapesMarkup) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlEscape("line\nbreak\ttab\x02"), "line&#10;break&#9;tab?");
  EXPECT_EQ(XmlEscape("µs"), "µs") << "UTF-8 passes through";
}

TEST(JunitTest, EmptyGateIsStillAValidDocument) {
  std::vector<Element> elements;
  ASSERT_TRUE(ParseXml(ToJunitXml({}), &elements));
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].attributes["tests"], "0");
}

TEST(JunitTest, WriteJunitFileWritesTheDocument) {
  const std::string path =
      ::testing::TempDir() + "/gate_junit_" + std::to_string(getpid()) + ".xml";
  std::string error;
  const auto cases = SampleCases();
  ASSERT_TRUE(WriteJunitFile(cases, path, &error)) << error;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), ToJunitXml(cases));
  std::remove(path.c_str());
  EXPECT_FALSE(WriteJunitFile(cases, path + ".missing/dir/x.xml", &error));
}

}  // namespace
}  // namespace streambench::gate
