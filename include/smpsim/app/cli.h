#pragma once

namespace smpsim {

// The command line (docs/interface.md): `smpsim run|check|trace ...`. Returns the exit status:
// 0 done, 2 bad input, 1 a runtime failure such as I/O. Errors are caught here, once.
int run_command_line(int argc, char** argv);

}  // namespace smpsim
