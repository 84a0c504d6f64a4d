#pragma once
// Where the S3 client's credentials come from when careflow's configuration does not give them,
// in the order AWS's SDKs and CLI look: the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), then the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
// ~/.aws/credentials) at the profile AWS_PROFILE names ("default" when unset). Static keys only:
// no instance metadata, SSO or credential_process.

#include <functional>
#include <string>

#include "common/status.h"
#include "lake/sigv4.h"

namespace careflow::lake::s3 {

// An environment variable's value, "" when unset (std::getenv in the process; a map in tests).
using EnvLookup = std::function<std::string(const char*)>;

// The credentials, or empty ones (anonymous requests) when neither the environment nor the
// default profile has any. InvalidArgument when only one of the key pair is set in the
// environment, when AWS_PROFILE names a profile the file lacks (or the file named by
// AWS_SHARED_CREDENTIALS_FILE / the profile's file cannot be read), or when the profile has only
// one of aws_access_key_id / aws_secret_access_key; each message names the variable or the file
// and profile.
Result<Credentials> find_credentials(const EnvLookup& env);

}  // namespace careflow::lake::s3
