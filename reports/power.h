#pragma once
// Sample size for comparing two arms (the normal approximation, e.g. Chow, Shao & Wang, "Sample Size
// Calculations in Clinical Research", 2nd ed., section 3.2; Kohavi, Tang & Xu, "Trustworthy Online
// Controlled Experiments", ch. 17): to detect an absolute difference delta with a two-sided test at
// level alpha and the given power, when the estimated difference has variance sigma2 / n for n
// visitors per arm,
//   n = (z_{1 - alpha/2} + z_{power})^2 sigma2 / delta^2.
// sigma2 is s_T^2 + s_C^2 for a randomised split ("ab"), the variance of the per-shopper difference
// for "paired", and (1 - rho^2) times the "ab" value with CUPED.

namespace bundlesim {

// REQUIRES: alpha, power in (0, 1). Returns +inf when delta is 0, NaN when sigma2 is NaN.
double visitors_per_arm(double sigma2, double delta, double alpha, double power);

}  // namespace bundlesim
