#pragma once
// Prescription ids as the reference has them: RX-<deviceId>-<4 random [A-Za-z0-9]>.

#include <string>
#include <string_view>

namespace careflow::store {

std::string new_prescription_id(std::string_view device_id);

}  // namespace careflow::store
