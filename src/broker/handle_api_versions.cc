// ApiVersions (key 18): the APIs and versions served. v3 is the flexible handshake librdkafka and
// the Java clients open with; its body is compact although its response header stays v0.

#include "broker/handlers.h"

namespace careflow::broker {

void write_api_ranges(Writer& out) {
  out.array_length(supported_apis().size());
  for (const ApiRange& a : supported_apis()) {
    out.i16(a.key);
    out.i16(a.min_version);
    out.i16(a.max_version);
    out.tagged_fields();
  }
}

Result<Reply> handle_api_versions(BrokerContext&, const RequestHeader& header, Reader& in, Writer& out) {
  if (header.api_version >= 3) {
    (void)in.string(true);  // client_software_name
    (void)in.string(true);  // client_software_version
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  out.i16(err::kNone);
  write_api_ranges(out);
  if (header.api_version >= 1) out.i32(0);  // throttle_time_ms
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
