#pragma once
// careflow's job ids ("job-7") as Flink's JobID (16 bytes, 32 hex digits), for the clients of the
// Flink SQL Gateway protocol: Flink's sql-client and JDBC driver parse a job id with
// JobID.fromHexString and fail on anything else. The number of the job is the JobID's value, so a
// Flink id can be turned back into careflow's (STOP JOB '00000000000000000000000000000007').

#include <optional>
#include <string>
#include <string_view>

namespace careflow::jobs {

// "job-7" → "00000000000000000000000000000007"; nullopt for an id that is not "job-<n>".
std::optional<std::string> flink_job_id(std::string_view careflow_id);

// "00000000000000000000000000000007" → "job-7"; any other text is returned unchanged, so a
// statement may name a job either way.
std::string careflow_job_id(std::string_view id);

}  // namespace careflow::jobs
