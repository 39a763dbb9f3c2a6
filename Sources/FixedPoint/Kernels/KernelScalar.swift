/// The arithmetic a convolution or FC kernel needs: a zero and a multiply-accumulate.
/// `Int32` wraps (`&+`, `&*`): a sum that fits in 32 bits comes out exact whatever the order of
/// its terms and however it is split into partial sums. `Float` is the reference.
package protocol KernelScalar: Sendable {
  static var zero: Self { get }
  static func multiplyAccumulate(_ sum: Self, _ weight: Self, _ input: Self) -> Self
}

extension Int32: KernelScalar {
  @inlinable @inline(__always)
  package static func multiplyAccumulate(_ sum: Int32, _ weight: Int32, _ input: Int32) -> Int32 {
    sum &+ weight &* input
  }
}

extension Float: KernelScalar {
  @inlinable @inline(__always)
  package static func multiplyAccumulate(_ sum: Float, _ weight: Float, _ input: Float) -> Float {
    sum + weight * input
  }
}

/// floor(a / b) for b > 0 (Swift's `/` truncates toward zero).
@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int {
  let quotient = a / b
  return (a % b != 0 && a < 0) ? quotient - 1 : quotient
}

/// ceil(a / b) for b > 0.
@inline(__always)
func ceilDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }
