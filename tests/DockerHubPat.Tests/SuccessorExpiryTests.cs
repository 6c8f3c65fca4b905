using System;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>The default expiry of a rotated token's successor.</summary>
    public class SuccessorExpiryTests
    {
        private static readonly DateTime Now = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

        [Fact]
        public void ANeverExpiringTokenGetsANeverExpiringSuccessor() =>
            Assert.Equal((null, false), SuccessorExpiry.Default(Now.AddDays(-400), null, Now));

        [Fact]
        public void TheSuccessorLivesAsLongFromNowAsTheOldTokenLived()
        {
            var (at, capped) = SuccessorExpiry.Default(Now.AddDays(-80), Now.AddDays(10), Now);
            Assert.Equal(Now.AddDays(90), at);
            Assert.False(capped);
        }

        [Fact]
        public void AnExpiredTokensLifetimeCountsToo() =>
            Assert.Equal(Now.AddDays(30), SuccessorExpiry.Default(Now.AddDays(-60), Now.AddDays(-30), Now).AtUtc);

        [Theory]
        [InlineData(400)]
        [InlineData(365 * 3)]
        [InlineData(365 * 5000)]
        public void ALifetimeLongerThanHubAllowsIsCappedAtOneYear(int days)
        {
            var (at, capped) = SuccessorExpiry.Default(Now.AddDays(-1), Now.AddDays(-1).AddDays(days), Now);
            Assert.True(capped);
            Assert.Equal(SuccessorExpiry.LatestUtc(Now), at);
            Assert.True(at < Now.AddYears(1) && at > Now.AddYears(1).AddHours(-1));
        }

        [Fact]
        public void AnUnknownOrEmptyLifetimeGetsTheCap()
        {
            Assert.Equal((SuccessorExpiry.LatestUtc(Now), true), SuccessorExpiry.Default(null, Now.AddDays(10), Now));
            Assert.Equal((SuccessorExpiry.LatestUtc(Now), true), SuccessorExpiry.Default(Now.AddDays(10), Now.AddDays(10), Now));
        }
    }
}
