// The readers of keys whose value is more than one typed scalar (KeyReader in key_table.h), and
// the checks that involve several keys. The run's sections live in scenario_parser.cc, the
// workload sections in workload_keys.cc, the flow-control sections in flow_keys.cc. Internal to
// the scenario module.
// Thread-safety: reentrant.
#pragma once

#include "bench/scenario/key_table.h"

namespace streambench::scenario {

// Each is a KeyReader: bool (const YamlNode& node, const YamlNode& root, ValueReader& r,
// Scenario* out), `node` being the key's value and `root` the whole run.
using KeyReaderFunction = bool(const YamlNode&, const YamlNode&, ValueReader&, Scenario*);

// scenario_parser.cc: the run's sections.
KeyReaderFunction ReadName, ReadTarget, ReadLoad, ReadPayloadSize, ReadFailure, ReadExpect,
    ReadThresholds;

// method_keys.cc: a method of any service.
KeyReaderFunction ReadService, ReadMethod, ReadProto, ReadMetadata, ReadRequestJson,
    ReadRequestFeed, ReadCorrelate, ReadExpectFields;
// The rules of a named method: its keys only with `method`, the built-in services' keys not with
// it, `proto` required, `mode` required without `method` (and with reflection).
bool CheckMethodKeys(const YamlNode& root, const Scenario& s, Diagnostics* diag);

// workload_keys.cc
KeyReaderFunction ReadPublishRate, ReadMessageRate, ReadEventTypes, ReadEventFilter, ReadHeartbeat;
// The workload modes' rules between keys: the service, corruption only in download, the chat's
// fan-out, and an open-loop load for subscribe and chat.
bool CheckWorkloadKeys(const YamlNode& root, const Scenario& s, Diagnostics* diag);

// flow_keys.cc
bool ReadLink(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out);
bool ReadAppFlowControl(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out);
// fault_keys.cc: `server_behavior.integrity_faults`, each kind `every N` or a probability, in the
// modes where the server sends what the kind can hit.
bool ReadIntegrityFaults(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out);

// Only a server that produces a stream on its own (server_stream, bidi independent) has a
// producer to decouple from the writer.
bool ServerProducesStream(const Scenario& s);

}  // namespace streambench::scenario
