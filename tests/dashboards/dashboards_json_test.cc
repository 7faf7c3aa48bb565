// Static checks of the Grafana dashboards in dashboards/: identity, queries, variables,
// datasources. The PromQL itself is checked against a real Prometheus in
// prometheus_integration_test.cc.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/dashboards/dashboard_queries.h"

namespace streambench::testing {
namespace {

// Grafana's global variables (not defined in templating).
bool IsBuiltin(const std::string& name) { return name.rfind("__", 0) == 0; }

class DashboardsJson : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    dashboards_ = LoadDashboards(STREAMBENCH_DASHBOARDS_DIR, &error);
    ASSERT_TRUE(error.empty()) << error;
  }
  std::vector<Dashboard> dashboards_;
};

TEST_F(DashboardsJson, TheThreeDashboardsExist) {
  std::set<std::string> files;
  for (const auto& d : dashboards_) files.insert(d.file);
  EXPECT_EQ(files, (std::set<std::string>{"streambench-flow-control.json",
                                          "streambench-overview.json", "streambench-server.json"}));
}

TEST_F(DashboardsJson, UidsAndTitlesUnique) {
  std::set<std::string> uids, titles;
  for (const auto& d : dashboards_) {
    const std::string uid = d.json.value("uid", "");
    EXPECT_FALSE(uid.empty()) << d.file;
    EXPECT_LE(uid.size(), 40u) << d.file << ": Grafana limits uids to 40 characters";
    EXPECT_TRUE(uids.insert(uid).second) << d.file << ": duplicate uid " << uid;
    EXPECT_TRUE(titles.insert(d.json.value("title", "")).second) << d.file;
  }
}

TEST_F(DashboardsJson, PanelIdsUniqueAndEveryPanelHasAQuery) {
  for (const auto& d : dashboards_) {
    std::set<int> ids;
    int query_panels = 0;
    for (const nlohmann::json* p : AllPanels(d.json)) {
      ASSERT_TRUE(p->contains("id")) << d.file << ": panel without id: " << p->value("title", "");
      const int id = (*p)["id"].get<int>();
      EXPECT_TRUE(ids.insert(id).second) << d.file << ": duplicate panel id " << id;
      ASSERT_TRUE(p->contains("gridPos")) << d.file << " panel " << id;
      if (p->value("type", "") == "row") continue;
      ++query_panels;
      ASSERT_TRUE(p->contains("targets") && (*p)["targets"].is_array() && !(*p)["targets"].empty())
          << d.file << ": panel " << id << " '" << p->value("title", "") << "' has no query";
      std::set<std::string> ref_ids;
      for (const auto& t : (*p)["targets"]) {
        EXPECT_FALSE(t.value("expr", "").empty())
            << d.file << ": panel " << id << " has a target without expr";
        EXPECT_TRUE(ref_ids.insert(t.value("refId", "")).second)
            << d.file << ": panel " << id << " duplicate refId";
      }
    }
    EXPECT_GE(query_panels, 6) << d.file;
  }
}

TEST_F(DashboardsJson, EveryReferencedVariableIsDefined) {
  for (const auto& d : dashboards_) {
    const std::set<std::string> defined = DefinedVariables(d.json);
    // Everything that Grafana interpolates: the whole dashboard text (exprs, legends, titles,
    // variable queries, datasource references).
    for (const std::string& name : ReferencedVariables(d.json.dump())) {
      if (IsBuiltin(name)) continue;
      EXPECT_TRUE(defined.count(name))
          << d.file << ": $" << name << " is referenced but not a template variable";
    }
    // And each definition is used somewhere else than in its own definition.
    for (const std::string& name : defined) {
      int uses = 0;
      for (const auto& q : AllQueries(d)) uses += ReferencedVariables(q.expr).count(name);
      if (name == "datasource") uses = 1;  // used by every panel's datasource, checked below
      EXPECT_GT(uses, 0) << d.file << ": variable " << name << " is never used by a query";
    }
  }
}

TEST_F(DashboardsJson, VariablesAreDatasourceAndLabelValuesQueries) {
  for (const auto& d : dashboards_) {
    const auto& list = d.json["templating"]["list"];
    ASSERT_FALSE(list.empty()) << d.file;
    EXPECT_EQ(list[0].value("name", ""), "datasource") << d.file << ": datasource first";
    EXPECT_EQ(list[0].value("type", ""), "datasource") << d.file;
    EXPECT_EQ(list[0].value("query", ""), "prometheus") << d.file;
    std::set<std::string> names;
    for (const auto& v : list) {
      const std::string name = v.value("name", "");
      names.insert(name);
      if (v.value("type", "") != "query") continue;
      const std::string query =
          v["query"].is_object() ? v["query"].value("query", "") : v["query"].get<std::string>();
      std::string selector, label;
      EXPECT_TRUE(ParseLabelValuesQuery(query, &selector, &label)) << d.file << ": " << query;
      EXPECT_EQ(label, name) << d.file << ": variable " << name << " lists label " << label;
      EXPECT_EQ(v.value("definition", ""), query) << d.file;
      // A variable may only depend on variables defined before it (Grafana resolves in order).
      for (const std::string& ref : ReferencedVariables(query)) {
        EXPECT_TRUE(names.count(ref) && ref != name)
            << d.file << ": variable " << name << " uses $" << ref << " before it is defined";
      }
    }
  }
  for (const auto& d : dashboards_) {
    const std::set<std::string> names = DefinedVariables(d.json);
    if (d.file == "streambench-server.json") {
      EXPECT_TRUE(names.count("job") && names.count("method")) << d.file;
    } else {
      EXPECT_TRUE(names.count("scenario") && names.count("variant")) << d.file;
    }
  }
}

// Every "datasource" anywhere (panels, targets, variables) is the variable, never a fixed uid.
void CheckDatasources(const nlohmann::json& j, const std::string& where, int* count) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "datasource") {
        ++*count;
        if (it->is_object()) {
          EXPECT_EQ(it->value("type", ""), "prometheus") << where;
          EXPECT_EQ(it->value("uid", ""), "${datasource}") << where << ": hard-coded uid";
        } else {
          ADD_FAILURE() << where << ": datasource must be {type, uid: ${datasource}}, got "
                        << it->dump();
        }
      } else {
        CheckDatasources(*it, where, count);
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) CheckDatasources(e, where, count);
  }
}

TEST_F(DashboardsJson, NoHardCodedDatasourceUid) {
  for (const auto& d : dashboards_) {
    int count = 0;
    CheckDatasources(d.json, d.file, &count);
    EXPECT_GT(count, 0) << d.file;
    for (const nlohmann::json* p : AllPanels(d.json)) {
      if (p->value("type", "") == "row") continue;
      EXPECT_TRUE(p->contains("datasource")) << d.file << " panel " << p->value("id", 0);
    }
  }
}

// The overview shows the latency view a user opens first: p50/p90/p99/p99.9 of message and call
// latency via histogram_quantile over rate(_bucket), and the status, integrity, lag and streams
// panels.
TEST_F(DashboardsJson, OverviewHasTheRequiredPanels) {
  for (const auto& d : dashboards_) {
    if (d.file != "streambench-overview.json") continue;
    std::string all;
    for (const auto& q : AllQueries(d)) all += q.expr + "\n";
    for (const char* metric : {"streambench_client_message_latency_seconds_bucket",
                               "streambench_client_call_latency_seconds_bucket"}) {
      for (const char* q : {"0.5", "0.9", "0.99", "0.999"}) {
        const std::string want =
            std::string("histogram_quantile(") + q + ", sum by (le) (rate(" + metric + "{";
        EXPECT_NE(all.find(want), std::string::npos) << want;
      }
    }
    // Streams the server sends on its own: a stall shows in the gap's p99.
    const std::string gap_p99 =
        "histogram_quantile(0.99, sum by (le) (rate(streambench_client_message_gap_seconds_bucket{";
    EXPECT_NE(all.find(gap_p99), std::string::npos) << gap_p99;
    for (const char* metric :
         {"streambench_client_messages_per_stream_bucket", "streambench_client_messages_total",
          "streambench_client_payload_bytes_total", "streambench_client_calls_total",
          "streambench_client_integrity_errors_total",
          "streambench_client_current_schedule_lag_seconds", "streambench_client_active_streams",
          "streambench_client_target_rate_per_second"}) {
      EXPECT_NE(all.find(metric), std::string::npos) << metric;
    }
    return;
  }
  FAIL() << "no overview dashboard";
}

// Unit checks of the helpers the integration test relies on.
TEST(DashboardQueries, VariableReferencesAndSubstitution) {
  EXPECT_EQ(ReferencedVariables("a{x=~\"$scenario\",y=\"${variant:regex}\"}[$__rate_interval] "
                                "[[job]]"),
            (std::set<std::string>{"scenario", "variant", "__rate_interval", "job"}));
  EXPECT_EQ(SubstituteVariables("rate(m{s=~\"$scenario\"}[$__rate_interval]) $other",
                                {{"scenario", "x"}, {"__rate_interval", "5s"}}),
            "rate(m{s=~\"x\"}[5s]) $other");
  EXPECT_EQ(SubstituteVariables("${a}${a:csv}[[a]]$a", {{"a", "1"}}), "1111");
  EXPECT_EQ(PrometheusRegexValue({"/svc.v1/M"}), "/svc\\\\.v1/M");
  EXPECT_EQ(PrometheusRegexValue({"a", "b(c)"}), "(a|b\\\\(c\\\\))");
  std::string selector, label;
  ASSERT_TRUE(ParseLabelValuesQuery("label_values(m{a=~\"$b\"}, variant)", &selector, &label));
  EXPECT_EQ(selector, "m{a=~\"$b\"}");
  EXPECT_EQ(label, "variant");
  EXPECT_FALSE(ParseLabelValuesQuery("query_result(up)", &selector, &label));
}

}  // namespace
}  // namespace streambench::testing
