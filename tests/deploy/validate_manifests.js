// Validates deploy/kubernetes offline, without a cluster:
//  - every document of every *.yaml against the Kubernetes API schema of its apiVersion and kind
//    (kubernetes-models, pinned in package.json: the OpenAPI schema compiled to validators);
//  - the sharding wiring those schemas cannot see: the Job is Indexed, completions = parallelism
//    = its SHARDS variable, the command turns JOB_COMPLETION_INDEX into --shard; every ConfigMap,
//    claim and Service the pods name is among the manifests; the Service selects the server;
//  - the ConfigMap's scenario with `streambench validate`, and its target is the Service.
// Usage: node validate_manifests.js DEPLOY_DIR STREAMBENCH_BINARY. Exit 0 valid, 1 invalid,
// 77 when the npm packages are not installed (.ci/setup.sh installs them).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

let YAML;
try {
  YAML = require("yaml");
  require("kubernetes-models");
} catch (e) {
  console.log("SKIP: npm packages not installed in tests/deploy (run .ci/setup.sh)");
  process.exit(77);
}

const [deployDir, streambench] = process.argv.slice(2);
const failures = [];
const fail = (where, message) => failures.push(`${where}: ${message}`);

// apiVersion "v1" -> kubernetes-models/v1, "apps/v1" -> kubernetes-models/apps/v1.
function modelFor(apiVersion, kind) {
  let group;
  try {
    group = require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return null;
  }
  return group[kind] || null;
}

const objects = [];  // {where, doc}
for (const file of fs.readdirSync(deployDir).filter((f) => f.endsWith(".yaml")).sort()) {
  const text = fs.readFileSync(path.join(deployDir, file), "utf8");
  YAML.parseAllDocuments(text).forEach((parsed, k) => {
    const where = `${file}[${k}]`;
    if (parsed.errors.length > 0) return fail(where, parsed.errors[0].message);
    const doc = parsed.toJS();
    if (doc === null) return;
    const Model = modelFor(doc.apiVersion, doc.kind);
    if (Model === null) return fail(where, `unknown apiVersion/kind ${doc.apiVersion} ${doc.kind}`);
    try {
      new Model(doc).validate();
    } catch (e) {
      return fail(where, `${doc.kind} ${doc.metadata && doc.metadata.name}: ${e.message}`);
    }
    objects.push({ where, doc });
  });
}

const named = (kind, name) => objects.find((o) => o.doc.kind === kind && o.doc.metadata.name === name);
const jobs = objects.filter((o) => o.doc.kind === "Job");
if (jobs.length !== 1) fail(deployDir, `expected one Job (the shards), found ${jobs.length}`);
for (const { where, doc } of jobs) {
  const spec = doc.spec;
  if (spec.completionMode !== "Indexed") fail(where, "completionMode must be Indexed");
  if (spec.parallelism !== spec.completions) {
    fail(where, `parallelism ${spec.parallelism} != completions ${spec.completions}: shards must run at once`);
  }
  for (const c of spec.template.spec.containers) {
    const env = Object.fromEntries((c.env || []).map((e) => [e.name, e.value]));
    if (Number(env.SHARDS) !== spec.completions) {
      fail(where, `container ${c.name}: SHARDS=${env.SHARDS} but completions ${spec.completions}`);
    }
    const command = (c.command || []).join(" ");
    if (!command.includes('--shard "$JOB_COMPLETION_INDEX/$SHARDS"')) {
      fail(where, `container ${c.name}: the command does not pass --shard "$JOB_COMPLETION_INDEX/$SHARDS"`);
    }
    if (!command.includes("--out") || !command.includes("$JOB_COMPLETION_INDEX.json")) {
      fail(where, `container ${c.name}: each shard must write its own results file`);
    }
  }
}
for (const { where, doc } of objects) {
  const podSpec = doc.kind === "Pod" ? doc.spec : doc.spec && doc.spec.template && doc.spec.template.spec;
  if (!podSpec) continue;
  for (const v of podSpec.volumes || []) {
    if (v.configMap && !named("ConfigMap", v.configMap.name)) fail(where, `no ConfigMap ${v.configMap.name}`);
    if (v.persistentVolumeClaim && !named("PersistentVolumeClaim", v.persistentVolumeClaim.claimName)) {
      fail(where, `no PersistentVolumeClaim ${v.persistentVolumeClaim.claimName}`);
    }
  }
}
for (const { where, doc } of objects.filter((o) => o.doc.kind === "Service")) {
  const selects = objects.some(
    (o) => o.doc.kind === "Deployment" &&
      Object.entries(doc.spec.selector).every(([k, v]) => o.doc.spec.template.metadata.labels[k] === v));
  if (!selects) fail(where, `Service ${doc.metadata.name} selects no Deployment's pods`);
}
for (const { where, doc } of objects.filter((o) => o.doc.kind === "ConfigMap")) {
  for (const [key, scenario] of Object.entries(doc.data || {})) {
    if (!key.endsWith(".yaml")) continue;
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "streambench-deploy-")), key);
    fs.writeFileSync(tmp, scenario);
    const run = spawnSync(streambench, ["validate", tmp], { encoding: "utf8" });
    if (run.status !== 0) fail(`${where} ${key}`, `streambench validate: ${run.stderr.trim()}`);
    const target = (YAML.parse(scenario) || {}).target;
    const host = typeof target === "string" ? target.split(":")[0] : "";
    if (!named("Service", host)) fail(`${where} ${key}`, `target ${target} is not one of the Services`);
    fs.rmSync(path.dirname(tmp), { recursive: true });
  }
}

if (failures.length > 0) {
  for (const f of failures) console.log(`FAIL ${f}`);
  process.exit(1);
}
console.log(`ok: ${objects.length} manifests valid (kubernetes-models ${require("kubernetes-models/package.json").version})`);
