// InitProducerId (key 22): for an idempotent producer, a new producer id at epoch 0, or, when a
// producer that hit an error asks with its id and epoch (v3+, KIP-360), the same id at the next
// epoch so it can start its sequences again. For a transactional producer (a transactional_id),
// the transaction coordinator's id and next epoch, fencing the id's previous producer.

#include "broker/handlers.h"

namespace careflow::broker {

Result<Reply> handle_init_producer_id(BrokerContext& context, const RequestHeader& header, Reader& in, Writer& out) {
  const bool flexible = header.flexible;
  const std::optional<std::string> transactional_id = in.nullable_string(flexible);
  const int32_t timeout_ms = in.i32();
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  if (header.api_version >= 3) {
    producer_id = in.i64();
    producer_epoch = in.i16();
  }
  CF_RETURN_IF_ERROR(finish_reading(header, in));
  int16_t error = err::kNone;
  if (transactional_id) {
    const TransactionCoordinator::Identity identity = context.transactions.init(*transactional_id, timeout_ms);
    error = identity.error;
    producer_id = identity.producer_id;
    producer_epoch = identity.producer_epoch;
  } else if (producer_id >= 0 && producer_epoch >= 0 && producer_epoch < INT16_MAX) {
    ++producer_epoch;  // the same producer, sequences from 0 again
  } else {
    producer_id = context.producers.allocate_id();
    producer_epoch = 0;
  }
  out.i32(0);  // throttle_time_ms
  out.i16(error);
  out.i64(producer_id);
  out.i16(producer_epoch);
  out.tagged_fields();
  return Reply::kSend;
}

}  // namespace careflow::broker
