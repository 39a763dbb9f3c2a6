/// The product of `factors`, or nil when it does not fit in 64 bits.
/// Every count the model reports (elements, MACs, parameters) goes through here,
/// so an absurd size becomes an error instead of a trap.
public func checkedProduct(_ factors: [Int]) -> Int? {
  var product = 1
  for factor in factors {
    let (result, overflow) = product.multipliedReportingOverflow(by: factor)
    if overflow { return nil }
    product = result
  }
  return product
}

/// The sum of `terms`, or nil when it does not fit in 64 bits.
public func checkedSum(_ terms: [Int]) -> Int? {
  var sum = 0
  for term in terms {
    let (result, overflow) = sum.addingReportingOverflow(term)
    if overflow { return nil }
    sum = result
  }
  return sum
}
