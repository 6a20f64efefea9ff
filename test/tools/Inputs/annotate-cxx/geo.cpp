// A small C++ project for melf-annotate (test/tools/annotate-cxx.test).
namespace geo {
struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
};

struct Circle : Shape {
  double r;
  explicit Circle(double r) : r(r) {}
  double area() const override { return 3.14159 * r * r; }
  [[nodiscard]] double perimeter() const { return 6.28318 * r; }
  double diameter() const;
};

template <class T> T sum(const T *p, int n) {
  T s{};
  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}
template <> inline long sum<long>(const long *p, int n) { return n ? p[0] : 0; }

consteval int square(int x) { return x * x; }

namespace {
int helper(int x) { return x + square(3); }
} // namespace

double total(Shape *const *v, int n);
} // namespace geo

double geo::Circle::diameter() const { return 2 * r; }

double geo::total(Shape *const *v, int n) {
  auto add = [](double a, double b) { return a + b; };
  double t = 0;
  for (int i = 0; i < n; i++)
    t = add(t, v[i]->area());
  return t + helper(1);
}

extern "C" int c_entry(int x) { return x + 1; }
extern "C" {
int c_block(int x) { return x * 2; }
}

int main() {
  geo::Circle c(2);
  geo::Shape *v[] = {&c};
  int a[2] = {1, 2};
  long l[1] = {3};
  return int(geo::total(v, 1) + c.perimeter() + c.diameter() + geo::sum(a, 2) +
             geo::sum(l, 1) + c_entry(1) + c_block(2));
}
