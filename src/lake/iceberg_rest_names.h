#pragma once
// The REST catalog's names of renamed tables. A table lives in the folder of the name it was
// created with (<warehouse>/<namespace>/<table>) and its metadata holds absolute paths of its
// files, so a rename moves no file: as in Iceberg's other catalogs, it changes only which name
// finds the table. `<warehouse>/careflow-catalog.json` records the renamed tables (new name →
// location, and the folder they came from) and the folders whose name no longer finds a table:
//
//   {"renamed": [{"namespace": "hc", "name": "new", "location": ".../hc/old", "folder": ["hc", "old"]}]}
//
// A folder name that a renamed table came from is taken until that table is dropped (creating a
// table there is refused), so that a drop or orphan removal of another table never deletes its
// files. Not thread-safe: the catalog calls it under its commit mutex. careflow's own commands
// (`careflow lake`, the 'iceberg' connector) address tables by folder and do not read this file.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace careflow::lake::iceberg {

struct RenamedTable {
  std::string ns, name;          // the name that finds it now
  std::string location;          // its folder
  std::string folder_ns, folder; // the name it was created with
};

class TableNames {
 public:
  // Reads <warehouse>/careflow-catalog.json (none: no renames). Corruption naming the file.
  static Result<TableNames> load(const std::string& warehouse);

  // The location `ns`.`name` finds: a renamed table's, nullopt for a folder renamed away, else the folder.
  std::optional<std::string> resolve(const std::string& ns, const std::string& name) const;
  // True when `ns`.`name`'s folder holds a renamed table.
  bool folder_taken(const std::string& ns, const std::string& name) const;
  // Renamed tables now in `ns`.
  std::vector<std::string> renamed_into(const std::string& ns) const;
  // Records the rename (the caller checked that the source is a table and the target free) and saves.
  Status rename(const std::string& from_ns, const std::string& from, const std::string& to_ns, const std::string& to);
  // Forgets a dropped table's names and saves.
  Status dropped(const std::string& ns, const std::string& name);

 private:
  Status save() const;
  std::string default_location(const std::string& ns, const std::string& name) const;

  std::string warehouse_;
  std::vector<RenamedTable> renamed_;
};

}  // namespace careflow::lake::iceberg
