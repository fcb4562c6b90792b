#pragma once

// The config layer: the key table, the TOML reader, validation, the numeric accessors sweeps
// use and the resolved config as TOML. It fills the model's typed Parameters.
#include "smpsim/config/access.h"
#include "smpsim/config/keys.h"
#include "smpsim/config/loader.h"
#include "smpsim/config/to_toml.h"
#include "smpsim/config/validation.h"
