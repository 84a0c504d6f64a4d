#pragma once
// `careflow sql` beside a running `careflow up`: statements go to up's API (POST /sql/statements),
// so INSERT INTO, EXECUTE STATEMENT SET and CREATE TABLE AS become jobs there (the job id is
// printed and the command returns), SHOW JOBS / STOP JOB / DESCRIBE JOB reach up's jobs, and a
// SELECT's changelog streams back until it ends or Ctrl-C, which closes the stream and so cancels
// the query in up (never up itself). docs/jobs.md.

#include <atomic>
#include <string>

#include "app/up_client.h"
#include "common/status.h"

namespace careflow::app {

// A script (-f, -e, stdin): SQL errors as ORIGIN:LINE:COLUMN, like the local mode's.
Status run_remote_script(const UpAddress& up, const std::string& text, bool bounded, const std::string& origin,
                         const std::atomic<bool>& interrupted);
// The interactive shell; SET keys are kept here and sent with each statement.
void remote_shell(const UpAddress& up, std::atomic<bool>& interrupted);

}  // namespace careflow::app
