using System;
using Xunit;

namespace DockerHubPat.Tests
{
    public class AccessTokenStateTests
    {
        [Theory]
        [InlineData(true, -1.0, "Expired")]
        [InlineData(false, -1.0, "Expired")]
        [InlineData(true, 1.0, "Active")]
        [InlineData(false, 1.0, "Inactive")]
        [InlineData(true, null, "Active")]
        [InlineData(false, null, "Inactive")]
        public void StateSaysWhetherTheTokenWorks(bool isActive, double? expiresInHours, string state)
        {
            var token = new HubAccessToken
            {
                IsActive = isActive,
                ExpiresAt = expiresInHours is double hours ? DateTime.Now.AddHours(hours) : (DateTime?)null,
            };

            Assert.Equal(state, token.State);
            Assert.Equal(state == "Expired", token.IsExpired);
        }

        [Fact]
        public void ATokenHasExpiredAtTheInstantOfItsExpiry()
        {
            var at = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Local);
            var token = new HubAccessToken { ExpiresAt = at };

            Assert.False(token.HasExpiredBy(at.AddTicks(-1)));
            Assert.True(token.HasExpiredBy(at));
        }
    }
}
