#include <cstdio>

int main() {
  std::puts("careflow (skeleton)");
  return 0;
}
