#pragma once
// The Iceberg REST catalog (Apache Iceberg's open-api/rest-catalog-open-api.yaml) over a warehouse
// folder of careflow's tables (<warehouse>/<namespace>/<table>, as the 'iceberg' connector writes
// them), under a prefix: careflow up serves it at /iceberg/v1/..., so a client's catalog URI is
// http://host:port/iceberg (pyiceberg: RestCatalog(uri=...)).
//
//   GET  {prefix}/v1/config                              defaults and overrides (none)
//   GET  {prefix}/v1/namespaces                          the warehouse's folders
//   POST {prefix}/v1/namespaces                          creates one (a folder)
//   GET  {prefix}/v1/namespaces/{ns}                     one namespace (404 when missing)
//   GET  {prefix}/v1/namespaces/{ns}/tables              its tables
//   POST {prefix}/v1/namespaces/{ns}/tables              creates a table (v1, no snapshot)
//   GET  {prefix}/v1/namespaces/{ns}/tables/{table}      loads one: metadata-location, metadata
//   POST {prefix}/v1/namespaces/{ns}/tables/{table}      commits: requirements checked against the
//        current version, updates applied, the next version published with the same compare-and-
//        swap as careflow's own commits (409 CommitFailedException when a requirement fails or
//        another writer won).
//   DELETE {prefix}/v1/namespaces/{ns}/tables/{table}   drops a table: its folder, data included
//   DELETE {prefix}/v1/namespaces/{ns}                  drops an empty namespace (409 otherwise)
//   POST {prefix}/v1/tables/rename                      renames a table (within or across namespaces;
//        no file moves: iceberg_rest_names.h)
//   POST {prefix}/v1/namespaces/{ns}/tables/{table}/metrics   a client's scan / commit report: 204, ignored
// Updates supported: add-snapshot, set-snapshot-ref, remove-snapshot-ref, set-properties,
// remove-properties, assign-uuid (same uuid), upgrade-format-version (to 2); others are a 400
// naming the update. Single-level namespaces only. Errors are the spec's
// {"error": {"message", "type", "code"}}. The warehouse may be a folder or s3://bucket/prefix (storage.h).

#include <string>

#include "http/router.h"

namespace careflow::lake::iceberg {

void add_rest_catalog_routes(http::Router& router, std::string warehouse, const std::string& prefix = "/iceberg");

}  // namespace careflow::lake::iceberg
