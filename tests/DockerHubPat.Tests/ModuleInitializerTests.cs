using System.Reflection;
using Xunit;

namespace DockerHubPat.Tests
{
    // Windows PowerShell 5.1's resolver cannot run here; its decision can.
    public class ModuleInitializerTests
    {
        private static readonly AssemblyName[] Shipped =
        {
            new AssemblyName("Flurl.Http, Version=4.0.2.0, Culture=neutral, PublicKeyToken=null"),
            new AssemblyName("System.Memory, Version=4.0.1.1, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"),
        };

        [Theory]
        [InlineData("Flurl.Http, Version=4.0.2.0, Culture=neutral, PublicKeyToken=null")]
        [InlineData("flurl.http, Version=4.0.0.0")]
        [InlineData("System.Memory, Version=4.0.1.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
        [InlineData("System.Memory")]
        public void TheModuleGetsItsLibraryAtTheSameOrAHigherVersion(string requested)
        {
            var chosen = ModuleInitializer.ChooseShipped(new AssemblyName(requested), fromModule: true, Shipped);

            Assert.NotNull(chosen);
            Assert.Equal(new AssemblyName(requested).Name, chosen!.Name, ignoreCase: true);
        }

        [Theory]
        [InlineData("Flurl.Http, Version=4.1.0.0")]
        [InlineData("System.Memory, Version=4.0.1.1, Culture=neutral, PublicKeyToken=0123456789abcdef")]
        [InlineData("System.Memory, Version=4.0.1.1, Culture=de, PublicKeyToken=cc7b13ffcd2ddd51")]
        [InlineData("Newtonsoft.Json, Version=13.0.0.0")]
        [InlineData("DockerHubPat.resources, Version=0.1.0.0, Culture=de")]
        public void TheModuleGetsNothingItDoesNotShip(string requested)
        {
            Assert.Null(ModuleInitializer.ChooseShipped(new AssemblyName(requested), fromModule: true, Shipped));
        }

        [Theory]
        [InlineData("Flurl.Http, Version=2.4.2.0, Culture=neutral, PublicKeyToken=null")]
        [InlineData("Flurl.Http, Version=4.0.2.0, Culture=neutral, PublicKeyToken=null")]
        public void AnotherModuleNeverGetsOurs(string requested)
        {
            Assert.Null(ModuleInitializer.ChooseShipped(new AssemblyName(requested), fromModule: false, Shipped));
        }

        [Fact]
        public void AnUnknownAskerGetsOnlyExactlyWhatItNamed()
        {
            var exact = new AssemblyName("Flurl.Http, Version=4.0.2.0, Culture=neutral, PublicKeyToken=null");
            var older = new AssemblyName("Flurl.Http, Version=2.4.2.0, Culture=neutral, PublicKeyToken=null");

            Assert.NotNull(ModuleInitializer.ChooseShipped(exact, fromModule: null, Shipped));
            Assert.Null(ModuleInitializer.ChooseShipped(older, fromModule: null, Shipped));
        }
    }
}
